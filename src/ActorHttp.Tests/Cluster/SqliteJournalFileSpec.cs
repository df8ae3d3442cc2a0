using Microsoft.Data.Sqlite;
using ActorHttp.Cluster;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Cluster;

/// <summary>A node puts its SQLite journal in write-ahead-log mode itself; a file it cannot open is one settings line.</summary>
public sealed class SqliteJournalFileSpec : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorhttp-journal-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_new_journal_file_is_created_in_WAL_mode_and_an_existing_one_is_switched_to_it()
    {
        var fresh = Path.Combine(_folder, "fresh.db");
        var existing = Path.Combine(_folder, "existing.db");
        using (var old = new SqliteConnection($"Data Source={existing}"))
        {
            old.Open();
            Execute(old, "CREATE TABLE t (x INTEGER)");
        }
        Assert.Equal("delete", JournalMode(existing));

        SqliteJournalFile.Prepare(new JournalSettings(JournalSettings.Sqlite, $"Data Source={fresh}"));
        SqliteJournalFile.Prepare(new JournalSettings(JournalSettings.Sqlite, $"Data Source={existing}"));

        Assert.Equal("wal", JournalMode(fresh));
        Assert.Equal("wal", JournalMode(existing));
    }

    [Fact]
    public void A_journal_in_a_folder_that_does_not_exist_is_a_settings_error_naming_the_key()
    {
        var journal = new JournalSettings(JournalSettings.Sqlite, $"Data Source={Path.Combine(_folder, "no", "such", "journal.db")}");

        var error = Assert.Throws<SettingsException>(() => SqliteJournalFile.Prepare(journal));

        Assert.StartsWith("actorhttp.cluster.journal.connection-string: cannot open the SQLite journal", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_PostgreSQL_journal_is_left_alone()
    {
        // No server at this address: preparing it would throw if it tried to connect.
        SqliteJournalFile.Prepare(new JournalSettings(JournalSettings.PostgreSql, "Host=127.0.0.1;Port=1;Timeout=1"));
    }

    /// <summary>The journal mode a SQLite file is in.</summary>
    internal static string JournalMode(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
