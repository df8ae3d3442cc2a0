using ActorHttp.Files;
using static ActorHttp.Tests.Files.Requests;

namespace ActorHttp.Tests.Files;

public sealed class FileSystemWalkSpec : IDisposable
{
    // Linux's limits (limits.h): a name of at most 255 bytes, a path of at most 4096 with its NUL.
    private const int NameMax = 255;
    private const int PathMax = 4096;

    private readonly TempTree _tree = new();
    private readonly string _root;

    public FileSystemWalkSpec()
    {
        _tree.Write("www/hello.html", "hello page");
        _root = _tree.Full("www");
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData(NameMax + 1)]
    [InlineData(1000)]
    public void A_name_longer_than_any_file_system_allows_is_not_found_rather_than_an_error(int length)
    {
        var walk = new FileSystemWalk(_root);

        Assert.Null(walk.Find(walk.Root, new[] { new string('a', length) }));
        Assert.Null(walk.Find(walk.Root, new[] { new string('a', length), "hello.html" }));
    }

    [Fact]
    public void A_name_below_a_file_is_not_found()
    {
        var walk = new FileSystemWalk(_root);

        Assert.Null(walk.Find(walk.Root, new[] { "hello.html", "x" }));
    }

    [Fact]
    public void A_path_that_grows_longer_than_PATH_MAX_through_real_folders_is_not_found_and_answers_404()
    {
        // Folders of 250-byte names nested as deep as mkdir(2) allows; one more name makes the path too long
        // for lstat(2), which fails with ENAMETOOLONG whether or not that name exists.
        var walk = new FileSystemWalk(_root);
        var name = new string('d', 250);
        var names = new List<string>();
        var path = walk.Root;
        while (path.Length + 1 + name.Length < PathMax)
        {
            path = Path.Join(path, name);
            Directory.CreateDirectory(path);
            names.Add(name);
        }
        File.WriteAllText(Path.Join(path, "f"), "deep");
        Assert.NotNull(walk.Find(walk.Root, names));

        Assert.Null(walk.Find(walk.Root, names.Append(name).ToArray()));
        var files = Serve(_root, new ManualClock(Now));
        Assert.Null(files.TryServe(Get("/" + string.Join('/', names) + "/" + name)));
        Assert.Null(files.TryServe(Get("/" + string.Join('/', names) + "/" + name + "/f")));
    }
}
