// Signing in with the gateway's OpenID provider, as a single-page app should: the
// authorization code flow with PKCE (S256), `state` and `nonce`, as a public client (the page
// holds no secret). Where the provider is comes from /web/sign-in.json. The access token is
// asked for the gateway (`resource`, RFC 8707). Tokens live in sessionStorage (this tab only,
// gone when it closes); an expiring access token is refreshed with the refresh token (one
// refresh at a time: providers rotate them), else the page goes back through the provider,
// whose session usually answers at once. Signing out forgets the tokens and, when the
// provider offers it, ends the provider's session too.

const CONFIG_URL = '/web/sign-in.json';
/** sessionStorage: the state, nonce and PKCE verifier of the sign-in under way. */
const PENDING_KEY = 'tasks-chat.oidc.pending';
/** sessionStorage: the access, refresh and ID tokens and when the access token expires. */
const TOKENS_KEY = 'tasks-chat.oidc.tokens';
/** An access token this close to its expiry (ms) is refreshed first. */
const EARLY_MS = 30_000;

/** The provider refused, or the answer did not fit the request (the message says how). */
export class SignInError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SignInError';
  }
}

/** The gateway's sign-in settings, or null when it has no OpenID provider (or it is down). */
export async function loadConfig() {
  try {
    const response = await fetch(CONFIG_URL, { cache: 'no-cache' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function base64url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const random = (size = 32) => base64url(crypto.getRandomValues(new Uint8Array(size)));
const redirectUri = () => `${location.origin}/`;

/** Goes to the provider's authorization endpoint; it sends the browser back to `/` with a code. */
export async function startSignIn(config) {
  const pending = { state: random(), nonce: random(), verifier: random(48) };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier));
  const url = new URL(config.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
  };
  if (config.resource) params.resource = config.resource;
  // OpenID Connect grants a refresh token (offline_access) only after asking for consent.
  if (config.scope.split(' ').includes('offline_access')) params.prompt = 'consent';
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.href);
}

/** This page load is the provider's answer to a sign-in (a code or an error, with a state). */
export function isCallback() {
  const query = new URLSearchParams(location.search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

/** Trades the code in the address for tokens (checking state and nonce), and cleans the address. */
export async function completeSignIn(config) {
  const query = new URLSearchParams(location.search);
  history.replaceState(null, '', location.pathname);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || query.get('state') !== pending.state) throw new SignInError('state mismatch');
  if (query.has('error')) throw new SignInError(query.get('error_description') || query.get('error'));
  const tokens = await tokenRequest(config, {
    grant_type: 'authorization_code',
    code: query.get('code'),
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (claims(tokens.id_token)?.nonce !== pending.nonce) throw new SignInError('nonce mismatch');
  save(tokens, null);
}

/** The payload of a JWT (unverified: the gateway verifies what it is sent), or null. */
function claims(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

async function tokenRequest(config, params) {
  const body = new URLSearchParams({ client_id: config.client_id, ...params });
  if (config.resource) body.set('resource', config.resource);
  let response;
  try {
    response = await fetch(config.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json' },
      body,
    });
  } catch (error) {
    throw new SignInError(error.message);
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.access_token) {
    throw new SignInError(answer.error_description || answer.error || `HTTP ${response.status}`);
  }
  return answer;
}

function save(tokens, previous) {
  const saved = {
    access: tokens.access_token,
    refresh: tokens.refresh_token ?? previous?.refresh ?? null,
    id: tokens.id_token ?? previous?.id ?? null,
    expiresAt: Date.now() + (Number(tokens.expires_in) || 300) * 1000,
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(saved));
  return saved;
}

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(TOKENS_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** This tab holds tokens from the provider. */
export const hasSession = () => load() !== null;

/** Forgets this tab's tokens (the provider's own session is left alone). */
export function forget() {
  sessionStorage.removeItem(TOKENS_KEY);
  sessionStorage.removeItem(PENDING_KEY);
}

let refreshing = null;
let leaving = false;

/**
 * A current access token for `config`'s provider: the stored one, a refreshed one when it is
 * (nearly) expired, else the browser goes back through the provider and this never resolves.
 */
export async function accessToken(config) {
  const saved = load();
  if (saved && saved.expiresAt - EARLY_MS > Date.now()) return saved.access;
  if (saved?.refresh) {
    refreshing ??= tokenRequest(config, { grant_type: 'refresh_token', refresh_token: saved.refresh })
      .then((tokens) => save(tokens, saved).access)
      .catch(() => null)
      .finally(() => { refreshing = null; });
    const token = await refreshing;
    if (token) return token;
  }
  if (!leaving) {
    leaving = true;
    forget();
    await startSignIn(config);
  }
  return new Promise(() => {});
}

/**
 * Signs out: forgets the tokens, then (when the provider has an end-session endpoint) goes
 * there to end its session too, which sends the browser back to `/`. True when it navigates.
 */
export function signOut(config) {
  const saved = load();
  forget();
  if (!config?.end_session_endpoint || !saved) return false;
  const url = new URL(config.end_session_endpoint);
  url.searchParams.set('client_id', config.client_id);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (saved.id) url.searchParams.set('id_token_hint', saved.id);
  location.assign(url.href);
  return true;
}
