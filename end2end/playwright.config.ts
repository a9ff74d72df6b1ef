import { defineConfig } from '@playwright/test';
import * as path from 'path';

// The portal under test: the binary scripts/build.sh built, on a fresh SQLite file with demo data.
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
export const BIN = process.env.CAREER_RELAY_BIN ?? path.join(targetDir, 'debug', 'career-relay');
export const PORT = Number(process.env.E2E_PORT ?? 3199);
export const BASE = `http://127.0.0.1:${PORT}`;
// SQLite by default; scripts/test.sh runs the suite again on a fresh PostgreSQL database.
export const DB = process.env.E2E_DATABASE_URL ?? `sqlite://${path.join(root, 'target', 'e2e', 'e2e.db')}`;
// A real OpenID provider on loopback for the single sign-on test (end2end/oidc/provider.mjs).
export const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3299);
const IDP = `http://127.0.0.1:${IDP_PORT}`;
const SSO_PROVIDERS = JSON.stringify([
  { id: 'test-idp', name: 'Test IdP', issuer: IDP, client_id: 'portal', client_secret: 'e2e-secret' },
]);

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  reporter: 'list',
  use: {
    baseURL: BASE,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [{
    command: 'node oidc/provider.mjs',
    cwd: __dirname,
    url: `${IDP}/.well-known/openid-configuration`,
    timeout: 30_000,
    reuseExistingServer: false,
    env: {
      OIDC_PORT: String(IDP_PORT),
      OIDC_CLIENTS: JSON.stringify([
        { client_id: 'portal', client_secret: 'e2e-secret', redirect_uris: [`${BASE}/sso/callback`] },
      ]),
    },
  }, {
    command: `rm -rf ${path.join(root, 'target', 'e2e')} && ${BIN} serve --demo`,
    cwd: root,
    url: `${BASE}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: DB,
      CAREER_RELAY_ADDR: `127.0.0.1:${PORT}`,
      LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
      RUST_LOG: 'warn',
      CAREER_RELAY_DRAIN_SECONDS: '0',
      CAREER_RELAY_SSO_PROVIDERS: SSO_PROVIDERS,
      // Every browser test signs in from this one address, many times within a quarter hour;
      // the limit itself is tested in server/tests/portal/middleware.rs.
      CAREER_RELAY_LIMIT_SIGN_IN_PER_CLIENT: '1000',
      // The farming test sends opt-ins from a network of its own through this header; the
      // others come from 127.0.0.1, which is on no network.
      CAREER_RELAY_CLIENT_IP_HEADER: 'x-forwarded-for',
    },
  }],
});
