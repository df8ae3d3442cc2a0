using Microsoft.Data.Sqlite;
using ActorHttp.Configuration;

namespace ActorHttp.Cluster;

/// <summary>
/// A SQLite journal file made ready before any entity writes to it. Several nodes on one machine share the file: in
/// SQLite's default rollback mode a node reading it blocks another's write and persists time out under load; in
/// write-ahead-log mode (a setting the file keeps) readers and the writer do not wait on each other.
/// </summary>
public static class SqliteJournalFile
{
    /// <summary>
    /// Opens the journal of <paramref name="journal"/> when it is SQLite and puts it in WAL mode (creating the file if
    /// it is not there yet). A file that cannot be opened is a settings error naming the key, at startup rather than
    /// on the first request. An in-memory database keeps its own mode.
    /// </summary>
    public static void Prepare(JournalSettings journal)
    {
        if (journal.Provider != JournalSettings.Sqlite) return;
        try
        {
            using var connection = new SqliteConnection(journal.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL";
            command.ExecuteScalar();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or ArgumentException)
        {
            throw new SettingsException($"actorhttp.cluster.journal.connection-string: cannot open the SQLite journal ({e.Message.Split('\n')[0]})");
        }
    }
}
