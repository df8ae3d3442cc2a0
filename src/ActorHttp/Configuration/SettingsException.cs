namespace ActorHttp.Configuration;

/// <summary>A setting that is missing, malformed or out of range; the message names the HOCON path.</summary>
public sealed class SettingsException(string message) : Exception(message);
