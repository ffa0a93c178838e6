using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

public class AuthChallengeTests
{
    [Fact]
    public void ParsesDockerHubStyleBearerChallenge()
    {
        var challenge = Assert.Single(AuthChallenge.Parse(["Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\""]));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge["realm"]);
        Assert.Equal("registry.docker.io", challenge["service"]);
        Assert.Equal("repository:samalba/my-app:pull,push", challenge["scope"]);
    }

    [Fact]
    public void SplitsSeveralChallengesInOneHeader()
    {
        var challenges = AuthChallenge.Parse(["Bearer realm=\"https://codeberg.org/v2/token\",service=\"container_registry\",scope=\"*\", Basic realm=\"Codeberg\""]);

        Assert.Equal(["Bearer", "Basic"], challenges.Select(c => c.Scheme));
        Assert.Equal("*", challenges[0]["scope"]);
        Assert.Equal("Codeberg", challenges[1]["realm"]);
    }

    [Fact]
    public void ReadsChallengesFromSeveralHeaderLinesAndPrefersBearer()
    {
        var challenges = AuthChallenge.Parse(["Basic realm=\"basic-realm\"", "bearer realm=\"https://r/token\""]);

        Assert.Equal(2, challenges.Count);
        Assert.Equal("https://r/token", AuthChallenge.Preferred(challenges)!["REALM"]);
    }

    [Fact]
    public void HandlesEscapesUnquotedValuesAndSpacesAroundEquals()
    {
        var challenge = Assert.Single(AuthChallenge.Parse(["Bearer realm = \"a \\\"quoted\\\" realm\" , service=svc , error=insufficient_scope"]));

        Assert.Equal("a \"quoted\" realm", challenge["realm"]);
        Assert.Equal("svc", challenge["service"]);
        Assert.Equal("insufficient_scope", challenge["error"]);
    }

    [Fact]
    public void AcceptsASchemeWithoutParametersBeforeAnother()
    {
        var challenges = AuthChallenge.Parse(["Negotiate, Basic realm=\"x\""]);

        Assert.Equal(["Negotiate", "Basic"], challenges.Select(c => c.Scheme));
        Assert.Empty(challenges[0].Parameters);
        Assert.Equal("x", AuthChallenge.Preferred(challenges)!["realm"]);
    }

    [Fact]
    public void OffersNothingToAnswerForUnknownSchemes()
    {
        Assert.Null(AuthChallenge.Preferred(AuthChallenge.Parse(["Negotiate", "NTLM"])));
        Assert.Empty(AuthChallenge.Parse([""]));
    }

    [Fact]
    public void ForgetsTheRequestSpecificScopeAndErrorWhenRemembered()
    {
        var challenge = Assert.Single(AuthChallenge.Parse(["Bearer realm=\"https://r/token\",service=\"svc\",Scope=\"repository:a:pull\",error=\"insufficient_scope\""]));

        var remembered = challenge.WithoutRequestDetails();

        Assert.Equal(["realm", "service"], remembered.Parameters.Keys.Order());
        Assert.Equal("svc", remembered["SERVICE"]);
    }
}
