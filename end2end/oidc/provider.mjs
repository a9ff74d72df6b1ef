// A real OpenID provider on loopback for the tests: `oidc-provider`, a certified implementation,
// with its development login form (any login name; the name is the account's e-mail address).
//
//   OIDC_PORT=3299 OIDC_CLIENTS='[{"client_id":"portal","client_secret":"s","redirect_uris":["http://127.0.0.1:3199/sso/callback"]}]' \
//     node end2end/oidc/provider.mjs
//
// An account whose login starts with "unverified" has an e-mail address the provider has not
// verified. Consent is granted automatically (the provider is the organisation's own). Prints
// "ready" once it listens.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 3299);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...c,
}));

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // The ID token carries the e-mail claims, as Google's and Entra ID's do.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const email = id.trim().toLowerCase();
    return {
      accountId: id,
      async claims() {
        return { sub: `sub-${email}`, email, email_verified: !email.startsWith('unverified') };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    grant.addOIDCClaims(['email', 'email_verified']);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['career-relay-test-provider'] },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log('ready');
});
