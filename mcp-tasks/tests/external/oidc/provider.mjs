// A real OpenID provider for the tests: the certified `oidc-provider` package (npm, pinned in
// package.json beside this file), configured as an MCP authorization server would be:
// dynamic client registration, authorization code with PKCE required, resource indicators
// (RFC 8707) issuing JWT access tokens whose `aud` is the resource, client credentials, and
// the package's development login form (any login name, any password).
//
//   OIDC_PROVIDER_MODULES=<dir with node_modules/oidc-provider> node provider.mjs '<json>'
//
// <json>: {"port": 0, "host": "127.0.0.1", "issuer": null, "resources": ["http://127.0.0.1:8001/mcp"],
//          "keys": "/tmp/keys.json", "clockOffsetSeconds": 0,
//          "clients": [{"client_id": "…", "client_secret": "…", "scope": "tasks:read"}]}
// * `issuer` defaults to http://127.0.0.1:<port>; another process may claim the same issuer
//   (with the same keys) to mint tokens with a shifted clock (`clockOffsetSeconds`, e.g. expired).
// * `keys`: a JSON file with the private signing JWK; written on first use, read after.
// * `clients`: static confidential clients for the client-credentials grant.
// Prints one JSON line {"issuer": …, "port": …} on stdout once it listens; everything else goes to stderr.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const options = JSON.parse(process.argv[2] ?? '{}');
if (options.clockOffsetSeconds) {
  const realNow = Date.now;
  Date.now = () => realNow() + options.clockOffsetSeconds * 1000;
}
const modules = process.env.OIDC_PROVIDER_MODULES;
if (!modules) throw new Error('OIDC_PROVIDER_MODULES is not set (run mcp-tasks/tests/external/setup.sh)');
const { default: Provider, errors } = await import(
  pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href
);

function signingKey(path) {
  if (path && existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  if (path) writeFileSync(path, JSON.stringify(jwk));
  return jwk;
}

const TASK_SCOPES = 'tasks:read tasks:write';
const resources = new Set(options.resources ?? []);
const server = createServer();
await new Promise((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
const port = server.address().port;
const issuer = options.issuer ?? `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey(options.keys)] },
  clients: (options.clients ?? []).map((c) => ({
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
    ...c,
  })),
  scopes: ['openid', 'offline_access', 'tasks:read', 'tasks:write'],
  claims: { openid: ['sub'] },
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  pkce: { required: () => true },
  clientBasedCORS: () => true,
  ttl: { AccessToken: 300, ClientCredentials: 300, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // An authorization for one resource yields tokens for it without naming it again.
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (!resources.has(resource)) throw new errors.InvalidTarget(`unknown resource ${resource}`);
        return {
          scope: TASK_SCOPES,
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
});
provider.proxy = false;
provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
// The test reads only that line and then closes stdout: the package's own notices (console.info,
// e.g. on logout) go to stderr instead, or writing them would fail with EPIPE and end the process.
console.log = console.error;
console.info = console.error;
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
