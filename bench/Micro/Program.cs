// Micro-benchmarks for the parser and the response writer, with [MemoryDiagnoser].
//
//   dotnet run -c Release --project bench/Micro                          # everything (--filter '*')
//   dotnet run -c Release --project bench/Micro -- --filter '*Parser*'   # one class
//   dotnet run -c Release --project bench/Micro -- --filter '*' --job short   # quick look
//
// Parser / writer benchmarks compile only when src/ActorHttp/Http/HttpRequestParser.cs / ResponseWriter.cs
// exist (HAS_PARSER / HAS_RESPONSE_WRITER in Micro.csproj); ModelBenchmarks always do.
// Results: BenchmarkDotNet.Artifacts/ in the working directory (gitignored).
using BenchmarkDotNet.Running;

namespace ActorHttp.Bench.Micro;

public static class MicroMain
{
    public static void Main(string[] args)
    {
        var run = args.Length == 0 ? new[] { "--filter", "*" } : args;
        BenchmarkSwitcher.FromAssembly(typeof(MicroMain).Assembly).Run(run);
    }
}
