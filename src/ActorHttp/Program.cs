using ActorHttp.Hosting;

// Before anything rents from ArrayPool.Shared, which reads its size once (see ArrayPoolTuning).
ArrayPoolTuning.Apply();

// The console host: parse the command line, then run the server until SIGTERM or Ctrl+C.
return await ConsoleHost.RunAsync(args);
