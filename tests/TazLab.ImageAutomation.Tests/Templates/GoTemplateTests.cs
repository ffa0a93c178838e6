using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Tests.Templates;

/// <summary>Go text/template and Sprig behaviour, with outputs as Go 1.22 + Sprig v3 produce them.</summary>
public class GoTemplateTests
{
    private sealed record Item(string Name, long Count, bool Enabled);

    private static readonly object Data = new Dictionary<string, object?>
    {
        ["name"] = "Podinfo App",
        ["zero"] = 0L,
        ["empty"] = "",
        ["items"] = new List<Item> { new("b", 2, true), new("a", 1, false) },
        ["map"] = new Dictionary<string, string> { ["zeta"] = "z", ["alpha"] = "a", ["Mid"] = "m" },
        ["none"] = new List<string>(),
        ["tags"] = new List<string> { "1.0", "2.0" },
    };

    [Theory]
    [InlineData("a  {{- \"b\" -}}  \n c", "abc")]
    [InlineData("{{/* a comment */}}x{{- /* trimmed */ -}} y", "xy")]
    [InlineData("{{ .name }}", "Podinfo App")]
    [InlineData("{{ .missing }}|{{ index .map \"nope\" }}|", "<no value>||")]
    [InlineData("{{ range $k, $v := .map }}{{ $k }}={{ $v }};{{ end }}", "Mid=m;alpha=a;zeta=z;")]
    [InlineData("{{ range .items }}{{ .Name }}{{ .Count }}{{ end }}", "b2a1")]
    [InlineData("{{ range $i, $e := .items }}{{ $i }}:{{ $e.Name }} {{ end }}", "0:b 1:a ")]
    [InlineData("{{ range .none }}x{{ else }}empty{{ end }}", "empty")]
    [InlineData("{{ range .items }}{{ if not .Enabled }}{{ break }}{{ end }}{{ .Name }}{{ end }}", "b")]
    [InlineData("{{ range .items }}{{ if .Enabled }}{{ continue }}{{ end }}{{ .Name }}{{ end }}", "a")]
    [InlineData("{{ if .zero }}a{{ else if .empty }}b{{ else if .name }}c{{ else }}d{{ end }}", "c")]
    [InlineData("{{ with .empty }}x{{ else }}none{{ end }}/{{ with .map }}{{ .alpha }}{{ end }}", "none/a")]
    [InlineData("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2")]
    [InlineData("{{ range .items }}{{ $.name }};{{ end }}", "Podinfo App;Podinfo App;")]
    [InlineData("{{ and 1 0 \"x\" }} {{ or 0 \"\" \"y\" }} {{ and .empty .missing.deeper }}", "0 y ")]
    [InlineData("{{ eq .name \"x\" \"Podinfo App\" }} {{ ne 1 2 }} {{ lt \"a\" \"b\" }} {{ ge 2 3 }}", "true true true false")]
    [InlineData("{{ len .name }} {{ len .items }} {{ len \"é\" }}", "11 2 2")]
    [InlineData("{{ (index .items 1).Name }} {{ index .map \"zeta\" }}", "a z")]
    [InlineData("{{ printf \"%s-%d-%q-%v-%5s|%-3d|%x\" \"a\" 7 \"q\" true \"r\" 4 \"hi\" }}", "a-7-\"q\"-true-    r|4  |6869")]
    [InlineData("{{ printf \"%s %s\" \"one\" }}", "one %!s(MISSING)")]
    [InlineData("{{ print 1 2 \"a\" 3 }}|{{ println \"x\" 1 }}", "1 2a3|x 1\n")]
    [InlineData("{{ .name | lower }} {{ .name | upper }} {{ \"hello wide world\" | title }}", "podinfo app PODINFO APP Hello Wide World")]
    [InlineData("{{ \"  x  \" | trim }}|{{ trunc 3 \"abcdef\" }}|{{ trunc -2 \"abcdef\" }}|{{ trunc 10 \"ab\" }}", "x|abc|ef|ab")]
    [InlineData("{{ .name | replace \" \" \"-\" }} {{ contains \"App\" .name }} {{ hasPrefix \"Pod\" .name }} {{ hasSuffix \"x\" .name }}", "Podinfo-App true true false")]
    [InlineData("{{ join \", \" .tags }}|{{ .tags }}", "1.0, 2.0|[1.0 2.0]")]
    [InlineData("{{ \"abc\" | sha256sum }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("{{ toString 42 }} {{ .empty | default \"fallback\" }} {{ .name | default \"x\" }} {{ quote \"a\" 1 }} {{ squote \"b\" }}", "42 fallback Podinfo App \"a\" \"1\" 'b'")]
    [InlineData("{{ \"a\\tb\" | quote }} {{ `raw\\n` }} {{ 'x' }} {{ 0x10 }} {{ -3 }} {{ 1.5 }}", "\"a\\tb\" raw\\n 120 16 -3 1.5")]
    [InlineData("{{ trimPrefix \"v\" \"v1.2\" }} {{ trimSuffix \".0\" \"1.0\" }}", "1.2 1")]
    public void RendersAsGoDoes(string template, string expected)
    {
        Assert.Equal(expected, GoTemplate.Parse("t", template).Execute(Data));
    }

    [Theory]
    [InlineData("line one\n  {{ if .name }}x", 2, 17, "unexpected EOF")]
    [InlineData("{{ .name | nosuch }}", 1, 11, "function \"nosuch\" not defined")]
    [InlineData("a\n{{ end }}", 2, 3, "unexpected {{end}}")]
    [InlineData("{{ .name", 1, 0, "unclosed action")]
    [InlineData("{{ \"open }}", 1, 3, "unterminated quoted string")]
    [InlineData("{{ range .items }}{{ else }}{{ else }}{{ end }}", 1, 31, "expected end; found {{else}}")]
    [InlineData("{{ break }}", 1, 3, "{{break}} outside {{range}}")]
    [InlineData("{{ template \"x\" }}", 1, 3, "{{template}} is not supported")]
    public void ParseErrorsQuoteThePosition(string template, int line, int column, string reason)
    {
        var error = Assert.Throws<TemplateError>(() => GoTemplate.Parse("commit message", template));
        Assert.True(error.IsParseError);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"template: commit message:{line}:{column}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ok\n{{ range .items }}{{ .Nope }}{{ end }}", 2, 21, "can't evaluate field Nope in type Item")]
    [InlineData("{{ .name | trunc \"x\" }}", 1, 11, "error calling trunc: wrong type for value; expected int; got string")]
    [InlineData("{{ lower 5 }}", 1, 3, "expected string; got int")]
    [InlineData("{{ index .items 5 }}", 1, 3, "index out of range: 5")]
    [InlineData("{{ eq 1 \"a\" }}", 1, 3, "incompatible types for comparison")]
    [InlineData("{{ lower \"a\" \"b\" }}", 1, 3, "wrong number of args for lower: want 1 got 2")]
    [InlineData("{{ .name 1 }}", 1, 3, "can't give argument to non-function .name")]
    [InlineData("{{ $nope }}", 1, 3, "undefined variable \"$nope\"")]
    public void ExecutionErrorsQuoteThePosition(string template, int line, int column, string reason)
    {
        var error = Assert.Throws<TemplateError>(() => GoTemplate.Parse("commit message", template).Execute(Data));
        Assert.False(error.IsParseError);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
