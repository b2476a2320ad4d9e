// A real OpenID provider for the accounts tests: oidc-provider (certified by the OpenID
// Foundation) with test clients and users. Started by tests/oidc/fixtures.py on the test's ports.
//
//   OIDC_PORT           port to listen on (127.0.0.1)
//   OIDC_KEYS_FILE      JWKS (private keys) to sign with; the tests rotate keys by restarting
//                       with another file
//   OIDC_REDIRECT_URIS  comma-separated redirect URIs of the web client "learn"
//   OIDC_API_AUDIENCE   audience of the JWT access tokens issued to "learn-cli" / "learn-short"
import fs from "node:fs";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT || 9160);
const issuer = `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_API_AUDIENCE || "http://127.0.0.1/api";
const redirectUris = (process.env.OIDC_REDIRECT_URIS || "http://testserver/login/callback/")
  .split(",")
  .filter(Boolean);
const keys = JSON.parse(fs.readFileSync(process.env.OIDC_KEYS_FILE, "utf8"));

// Test users: the login name is the account id (the dev login form takes any password).
const USERS = {
  alice: {
    email: "alice@example.org",
    email_verified: true,
    preferred_username: "alice",
    given_name: "Alice",
    family_name: "Liddell",
    name: "Alice Liddell",
    organization: "Wonderland",
  },
  bob: {
    email: "bob@example.org",
    email_verified: true,
    preferred_username: "bob",
    given_name: "Bob",
    family_name: "Builder",
    name: "Bob Builder",
  },
};

const API_CLIENTS = new Set(["learn-cli", "learn-short"]);

const configuration = {
  jwks: keys,
  clients: [
    {
      client_id: "learn",
      client_secret: "learn-test-secret",
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris.map((u) => new URL("/", u).href),
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
    {
      client_id: "learn-cli",
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1:9169/cb"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
    {
      client_id: "learn-short",
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1:9169/cb"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username", "organization"],
  },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client) => (API_CLIENTS.has(client.clientId) ? audience : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator, client) => ({
        scope: "api",
        audience,
        accessTokenFormat: "jwt",
        accessTokenTTL: client.clientId === "learn-short" ? 2 : 600,
      }),
    },
  },
  async findAccount(ctx, id) {
    // Known users, or a fresh learner for any other login (each browser journey signs in as a new person).
    const user = USERS[id] ?? {
      email: `${id}@example.org`,
      email_verified: true,
      preferred_username: id,
      given_name: "Learner",
      family_name: id,
      name: `Learner ${id}`,
    };
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
  cookies: { keys: ["learn-test-cookie-key"] },
};

const provider = new Provider(issuer, configuration);
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
