-- Identity: agencies, accounts and roles, sessions, login throttling, security events,
-- password resets, the notification outbox, OIDC clients, codes, tokens and signing keys,
-- links to external identity providers.

-- The agency tree (central / province / district / commune and their units). Both code
-- formats are kept (DOMAIN.md §1.1): `code` is QCVN 102 (`000.00.01.H22`, used in dossier codes
-- and edXML), `code_d20` is Decision 20/2020 (`H22.01`). `path` is the materialised path of ids
-- (`/<root id>/…/<own id>/`): an agency's subtree is every row whose path starts with its own.
CREATE TABLE agencies (
  id         TEXT PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  code_d20   TEXT UNIQUE,
  name       TEXT NOT NULL,
  name_en    TEXT NOT NULL DEFAULT '',
  level      TEXT NOT NULL CHECK (level IN ('central', 'province', 'district', 'commune')),
  kind       TEXT NOT NULL,
  parent_id  TEXT REFERENCES agencies (id),
  path       TEXT NOT NULL UNIQUE,
  address    TEXT NOT NULL DEFAULT '',
  phone      TEXT NOT NULL DEFAULT '',
  email      TEXT NOT NULL DEFAULT '',
  active     INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE accounts (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL CHECK (kind IN ('citizen', 'business', 'officer')),
  login               TEXT NOT NULL UNIQUE,
  password_hash       TEXT,
  full_name           TEXT NOT NULL,
  personal_id         TEXT UNIQUE,
  birth_date          TEXT,
  gender              TEXT CHECK (gender IN ('male', 'female')),
  tax_code            TEXT UNIQUE,
  business_name       TEXT,
  email               TEXT,
  phone               TEXT,
  address             TEXT NOT NULL DEFAULT '',
  agency_id           TEXT REFERENCES agencies (id),
  language            TEXT NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
  assurance_level     INTEGER NOT NULL DEFAULT 1 CHECK (assurance_level IN (1, 2)),
  totp_secret         TEXT,
  totp_enabled        INTEGER NOT NULL DEFAULT 0,
  totp_last_step      BIGINT NOT NULL DEFAULT 0,
  status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  password_changed_at TEXT,
  last_login_at       TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX accounts_agency ON accounts (agency_id);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

CREATE TABLE account_roles (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('receiver', 'specialist', 'leader', 'agency_admin', 'sysadmin')),
  PRIMARY KEY (account_id, role)
);

-- Browser sessions. The cookie holds a random token; only its SHA-256 is stored.
-- `stage` is 'totp' while the second factor is still owed.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  stage        TEXT NOT NULL DEFAULT 'active' CHECK (stage IN ('active', 'totp')),
  amr          TEXT NOT NULL,
  acr          INTEGER NOT NULL,
  auth_time    TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT '',
  revoked_at   TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Failed-login counters per account ('account:<id>') and per source address ('ip:<addr>').
CREATE TABLE login_throttle (
  key          TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  last_failure TEXT NOT NULL,
  locked_until TEXT
);

-- Security events (login success and failure, lockout, token revocation, …), append-only,
-- never holding a password, token or secret.
CREATE TABLE security_events (
  id         TEXT PRIMARY KEY,
  at         TEXT NOT NULL,
  event      TEXT NOT NULL,
  account_id TEXT,
  login      TEXT NOT NULL DEFAULT '',
  ip         TEXT NOT NULL DEFAULT '',
  client_id  TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_account ON security_events (account_id, at);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);

-- Messages to people, written in the same transaction as the change that causes them; a
-- sender delivers them.
CREATE TABLE notification_outbox (
  id         TEXT PRIMARY KEY,
  event      TEXT NOT NULL,
  channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'in_app', 'log')),
  recipient  TEXT NOT NULL,
  account_id TEXT,
  language   TEXT NOT NULL DEFAULT 'vi',
  payload    TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'pending',
  attempts   INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  sent_at    TEXT
);
CREATE INDEX notification_outbox_pending ON notification_outbox (status, created_at);

-- OIDC / OAuth 2 clients. `redirect_uris` and `post_logout_redirect_uris` are JSON arrays
-- matched exactly; `grant_types` and `scopes` are space-separated.
CREATE TABLE oauth_clients (
  client_id                 TEXT PRIMARY KEY,
  name                      TEXT NOT NULL,
  name_en                   TEXT NOT NULL DEFAULT '',
  client_type               TEXT NOT NULL CHECK (client_type IN ('public', 'confidential')),
  secret_hash               TEXT,
  redirect_uris             TEXT NOT NULL DEFAULT '[]',
  post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
  grant_types               TEXT NOT NULL,
  scopes                    TEXT NOT NULL,
  first_party               INTEGER NOT NULL DEFAULT 0,
  active                    INTEGER NOT NULL DEFAULT 1,
  created_at                TEXT NOT NULL
);

CREATE TABLE oauth_codes (
  code_hash      TEXT PRIMARY KEY,
  client_id      TEXT NOT NULL REFERENCES oauth_clients (client_id),
  account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  session_id     TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  scope          TEXT NOT NULL,
  nonce          TEXT,
  code_challenge TEXT,
  auth_time      TEXT NOT NULL,
  acr            INTEGER NOT NULL,
  amr            TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  used_at        TEXT
);

-- Access tokens issued from an authorization code, so a replayed code revokes them.
CREATE TABLE oauth_access_tokens (
  jti        TEXT PRIMARY KEY,
  code_hash  TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX oauth_access_tokens_code ON oauth_access_tokens (code_hash);

-- Refresh tokens rotate: each use issues a new one in the same family; presenting a used one
-- again revokes the whole family (reuse detection).
CREATE TABLE oauth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  client_id  TEXT NOT NULL REFERENCES oauth_clients (client_id),
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  code_hash  TEXT NOT NULL DEFAULT '',
  scope      TEXT NOT NULL,
  auth_time  TEXT NOT NULL,
  acr        INTEGER NOT NULL,
  amr        TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT,
  revoked_at TEXT
);
CREATE INDEX oauth_refresh_tokens_family ON oauth_refresh_tokens (family_id);
CREATE INDEX oauth_refresh_tokens_code ON oauth_refresh_tokens (code_hash);

CREATE TABLE oauth_consents (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  client_id  TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  scope      TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  PRIMARY KEY (account_id, client_id)
);

-- Token-signing keys. The newest active key signs; retired keys stay published in the JWKS
-- until `expires_at`, when every token they signed has expired.
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  alg         TEXT NOT NULL CHECK (alg IN ('RS256', 'ES256')),
  private_pem TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  retired_at  TEXT,
  expires_at  TEXT
);

-- Accounts linked to a subject of an external identity provider.
CREATE TABLE external_identities (
  provider   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (provider, subject)
);

-- Logins in progress at an external identity provider (state, nonce, PKCE verifier).
CREATE TABLE external_logins (
  state         TEXT PRIMARY KEY,
  provider      TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to     TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL
);
