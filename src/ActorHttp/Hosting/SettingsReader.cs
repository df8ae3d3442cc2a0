using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>
/// Reads typed values from one configuration object (the <c>actorhttp</c> section, one route, <c>akka.io.tcp</c>).
/// Every failure is a <see cref="SettingsException"/> naming the full key: a key that is missing, a value of the
/// wrong type, or a parent that is not an object (<c>actorhttp.limits = 3</c>). Ranges are checked by
/// <see cref="ServerSettings.Validate"/>, on the values read here.
/// </summary>
internal sealed class SettingsReader
{
    private readonly Config _config;
    private readonly string _name;

    /// <param name="config">The object whose keys are read.</param>
    /// <param name="name">Its full name, e.g. <c>actorhttp</c> or <c>actorhttp.routes[2]</c>.</param>
    public SettingsReader(Config config, string name)
    {
        _config = config;
        _name = name;
    }

    /// <summary>The <c>section</c> object of the whole configuration; the section must be an object.</summary>
    public static SettingsReader Section(Config config, string section) =>
        Lookup(section, () =>
        {
            var value = config.HasPath(section) ? config.GetValue(section) : null;
            if (value is null || !value.IsObject())
                throw new SettingsException($"{section}: must be an object, not {Describe(value)}");
            return new SettingsReader(config.GetConfig(section), section);
        });

    /// <summary>The full name of a key below this object.</summary>
    public string NameOf(string key) => $"{_name}.{key}";

    /// <summary>True when the key is present (with any value).</summary>
    public bool Has(string key) => _config.HasPath(key);

    public string String(string key) => Read(key, value => StringOf(value, NameOf(key)));

    public int Int(string key) => Read(key, value => value.GetInt());

    /// <summary>A switch: on/off, true/false or yes/no, as the HOCON specification spells booleans (Akka's own reader has no "no").</summary>
    public bool Boolean(string key) => Read(key, value => value.GetString().ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => throw new FormatException(),
    });

    /// <summary>A byte size (<c>64m</c>, <c>256k</c>, or a plain number of bytes).</summary>
    public long Size(string key) => Read(key, value => value.GetByteSize() ?? throw new FormatException());

    /// <summary>A byte size that must fit in an <see cref="int"/>.</summary>
    public int IntSize(string key)
    {
        var size = Size(key);
        if (size > int.MaxValue) throw new SettingsException($"{NameOf(key)}: {size} is too large");
        return (int)size;
    }

    /// <summary>A finite duration (<c>10s</c>, <c>200ms</c>; a plain number is milliseconds).</summary>
    public TimeSpan Duration(string key) => Read(key, value => value.GetTimeSpan(allowInfinite: false));

    /// <summary>A list whose elements are all strings.</summary>
    public IReadOnlyList<string> StringList(string key) =>
        List(key).Select((element, i) => StringOf(element, $"{NameOf(key)}[{i}]")).ToArray();

    /// <summary>A list of any elements.</summary>
    public IReadOnlyList<HoconValue> List(string key)
    {
        var value = Value(key);
        // Akka's IsArray is false for an empty list, "[]": a value made of one empty HoconArray.
        if (value.Values.Count > 0 && value.Values.All(v => v is HoconArray a && a.Count == 0)) return Array.Empty<HoconValue>();
        if (!value.IsArray()) throw new SettingsException($"{NameOf(key)}: must be a list [...], not {Describe(value)}");
        return value.GetArray().ToArray();
    }

    /// <summary>An object's entries as its keys and string values, in the order they were written.</summary>
    public IReadOnlyList<(string Key, string Value)> StringMap(string key)
    {
        var value = Value(key);
        if (!value.IsObject()) throw new SettingsException($"{NameOf(key)}: must be an object {{ ... }}, not {Describe(value)}");
        return Lookup(NameOf(key), () => _config.GetConfig(key).AsEnumerable().ToArray())
            .Select(entry => (entry.Key, StringOf(entry.Value, $"{NameOf(key)}.{Quoted(entry.Key)}")))
            .ToArray();
    }

    /// <summary>A reader for an element of a list that must be an object.</summary>
    public SettingsReader Element(string key, HoconValue element, int index)
    {
        var name = $"{NameOf(key)}[{index}]";
        if (!element.IsObject()) throw new SettingsException($"{name}: must be an object {{ ... }}, not {Describe(element)}");
        return new SettingsReader(new Config(new HoconRoot(element)), name);
    }

    /// <summary>
    /// The value converted by <paramref name="convert"/>; whatever it throws (a format, an overflow, a null) becomes
    /// a <see cref="SettingsException"/> quoting the value.
    /// </summary>
    public T Read<T>(string key, Func<HoconValue, T> convert)
    {
        var value = Value(key);
        try
        {
            return convert(value);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"{NameOf(key)}: invalid value {Describe(value)}");
        }
    }

    /// <summary>The raw value; a missing key is named, or the ancestor that is not an object and so hides it.</summary>
    public HoconValue Value(string key) => Lookup(NameOf(key), () =>
    {
        var parts = key.Split('.');
        for (var i = 1; i < parts.Length; i++)
        {
            var parent = string.Join('.', parts[..i]);
            if (_config.HasPath(parent) && _config.GetValue(parent) is { } value && !value.IsObject())
                throw new SettingsException($"{NameOf(parent)}: must be an object, not {Describe(value)}");
        }
        if (!_config.HasPath(key)) throw new SettingsException($"{NameOf(key)}: missing");
        return _config.GetValue(key);
    });

    /// <summary>
    /// Runs one of Akka's lookups. They throw (a NullReferenceException from within the merge) when one layer sets a
    /// key to an object and another to a plain value, and no other layer settles which one wins.
    /// </summary>
    private static T Lookup<T>(string name, Func<T> lookup)
    {
        try
        {
            return lookup();
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"{name}: the layers set it, or a key above it, both to an object and to a plain value");
        }
    }

    private static string StringOf(HoconValue value, string name) =>
        value.IsString() && value.GetString() is { } text ? text : throw new SettingsException($"{name}: must be a string, not {Describe(value)}");

    /// <summary>A value as the message shows it: quoted, and a list or object by its kind alone.</summary>
    private static string Describe(HoconValue? value)
    {
        try
        {
            return value switch
            {
                null => "nothing",
                _ when value.IsArray() => "a list",
                _ when value.IsObject() => "an object",
                _ => value.GetString() is { } text ? "\"" + text + "\"" : "null",
            };
        }
        catch (Exception)
        {
            return "a value of mixed kinds";
        }
    }

    /// <summary>A key as a HOCON path element: quoted, since content-types keys start with a dot.</summary>
    private static string Quoted(string key) => "\"" + key + "\"";
}
