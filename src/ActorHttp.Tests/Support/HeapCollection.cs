namespace ActorHttp.Tests.Support;

/// <summary>
/// Specs that count the bytes the heap keeps (<see cref="GC.GetTotalMemory"/> is the whole process's): they belong to this
/// collection, which xunit runs on its own, after the parallel ones, so no other test's allocations land in the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapCollection
{
    public const string Name = "Heap measurement";
}
