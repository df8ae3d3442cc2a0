using ActorHttp.Hosting;

// The console host: parse the command line, then run the server until SIGTERM or Ctrl+C.
return await ConsoleHost.RunAsync(args);
