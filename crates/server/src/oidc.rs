//! Sign-in with the company's identity provider (OpenID Connect).
//!
//! The authorization-code flow with PKCE (S256), `state` and `nonce`: `/auth/login` keeps
//! the state, nonce, PKCE verifier and the page to return to in a short-lived signed
//! cookie and sends the browser to the provider; `/auth/callback` checks the state
//! against that cookie, trades the code (with the verifier) for an ID token at the token
//! endpoint, verifies the token against the provider's published keys (RS256, issuer,
//! audience = our client id, expiry, nonce), and keeps who signed in, their role and team
//! in a signed session cookie. Nothing is stored on the server, so a restart keeps
//! everyone signed in when the session key is given (`THROUGHLINE_SESSION_KEY`), and
//! several servers behind a load balancer accept each other's sessions.
//!
//! The role comes from a claim (a list of groups by default) mapped to
//! viewer / contributor / admin; the session then reads as [`crate::auth::Caller::Session`],
//! so every role check of the API and the dashboard applies unchanged.

use std::time::Duration;

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::RwLock;

use crate::auth::Role;

/// The cookie holding a signed-in person's session.
pub const SESSION_COOKIE: &str = "throughline_session";
/// The cookie holding a sign-in in progress (state, nonce, PKCE verifier), for the
/// callback only.
pub const FLOW_COOKIE: &str = "throughline_oidc";
/// How long a person has at the provider to sign in.
const FLOW_TTL: Duration = Duration::from_secs(10 * 60);
/// Slack for clocks that disagree with the provider's (the token's `exp`).
const LEEWAY_SECS: u64 = 60;
/// The longest ID token kept in the session cookie for signing out (base64 and the other
/// fields add about a half): longer ones, such as tokens listing hundreds of groups, are
/// left out and the provider is told the client id instead.
const MAX_KEPT_ID_TOKEN: usize = 2000;
/// Where the provider sends the browser back after ending its session: registered with
/// the provider as the post-logout redirect URI.
pub const SIGNED_OUT_PATH: &str = "/auth/signed-out";
/// The default length of a session.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(8 * 60 * 60);

/// How the server signs people in.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The provider's issuer URL, as its discovery document names it.
    pub issuer: String,
    pub client_id: String,
    /// From `THROUGHLINE_OIDC_CLIENT_SECRET`; a public client (PKCE only) has none.
    pub client_secret: Option<String>,
    /// This server's address as browsers reach it; the redirect URI is
    /// `{base_url}/auth/callback`.
    pub base_url: String,
    /// The claim listing the person's groups (or roles); a dotted path reaches into
    /// nested objects (`realm_access.roles`).
    pub roles_claim: String,
    /// The claim naming the person's team, recorded with their notes and corrections.
    pub team_claim: Option<String>,
    /// Members of any of these groups are admins.
    pub admin_groups: Vec<String>,
    /// Members of any of these groups are contributors; everyone else signed in is a
    /// viewer.
    pub contributor_groups: Vec<String>,
    /// How long a session lasts.
    pub session_ttl: Duration,
    /// The key sessions are signed with: the same on every replica. `None`: a random
    /// key, so a restart signs everyone out.
    pub session_key: Option<Vec<u8>>,
}

/// Why signing in did not work.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered something unreadable.
    #[error("asking the identity provider at {url}: {message}")]
    Provider { url: String, message: String },
    /// The provider's discovery document does not fit the configuration.
    #[error("the identity provider's configuration: {0}")]
    Discovery(String),
    /// The callback request itself is wrong (no sign-in in progress, a state that does not
    /// match, no code): a 400.
    #[error("{0}")]
    BadCallback(String),
    /// The provider refused, or its ID token did not pass the checks: a 401.
    #[error("{0}")]
    Refused(String),
    /// The system's random number generator failed.
    #[error("no randomness available")]
    Random,
}

/// The parts of the discovery document used here.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Where a browser is sent to end the session at the provider too (OpenID Connect
    /// RP-Initiated Logout 1.0); without it signing out ends only ours.
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

/// A signed-in person, as kept in the session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The provider's subject identifier.
    pub sub: String,
    /// A name to show (`name`, `preferred_username` or `email`), if the token had one.
    pub name: Option<String>,
    pub role: Role,
    pub team: Option<String>,
    /// Seconds since the epoch after which the session is over.
    pub exp: u64,
    /// The ID token, kept only to name the session when signing out at a provider that
    /// has an end-session endpoint (`id_token_hint`; some providers require it), and only
    /// when short enough that the cookie stays well under browsers' 4 KB limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// A sign-in in progress, as kept in the flow cookie.
#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    exp: u64,
}

/// The answer of the token endpoint (only the ID token is used).
#[derive(Debug, Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// A configured provider: its endpoints, its keys, and the key sessions are signed with.
pub struct Oidc {
    config: OidcConfig,
    meta: Discovery,
    signer: hmac::Key,
    http: reqwest::Client,
    /// The provider's keys, fetched again when a token names a key not among them (the
    /// provider rotated its keys).
    jwks: RwLock<JwkSet>,
    rng: SystemRandom,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.meta.issuer)
            .field("client_id", &self.config.client_id)
            .finish_non_exhaustive()
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether an `http:` address may be used: only on this machine (tests, a provider in
/// a local container); anywhere else tokens would cross the network in the clear.
fn plain_http_allowed(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return url.starts_with("https://");
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

impl Oidc {
    /// Fetches the provider's discovery document and keys.
    pub async fn discover(config: OidcConfig) -> Result<Oidc, OidcError> {
        let issuer = config.issuer.trim_end_matches('/').to_string();
        if !plain_http_allowed(&issuer) {
            return Err(OidcError::Discovery(format!(
                "the issuer `{issuer}` must be an https:// address"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            // The token endpoint must answer itself; a redirect there is a misconfiguration.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Provider {
                url: issuer.clone(),
                message: e.to_string(),
            })?;
        let url = format!("{issuer}/.well-known/openid-configuration");
        let meta: Discovery = get_json(&http, &url).await?;
        // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer asked for,
        // or a document elsewhere could speak for it.
        if meta.issuer.trim_end_matches('/') != issuer {
            return Err(OidcError::Discovery(format!(
                "{url} names the issuer `{}`, not `{issuer}`",
                meta.issuer
            )));
        }
        for (what, u) in [
            ("authorization_endpoint", &meta.authorization_endpoint),
            ("token_endpoint", &meta.token_endpoint),
            ("jwks_uri", &meta.jwks_uri),
        ]
        .into_iter()
        .chain(
            meta.end_session_endpoint
                .as_ref()
                .map(|u| ("end_session_endpoint", u)),
        ) {
            if !plain_http_allowed(u) {
                return Err(OidcError::Discovery(format!(
                    "its {what} `{u}` must be an https:// address"
                )));
            }
        }
        let jwks: JwkSet = get_json(&http, &meta.jwks_uri).await?;
        let rng = SystemRandom::new();
        let key_bytes = match &config.session_key {
            Some(k) => k.clone(),
            None => {
                let mut k = vec![0u8; 32];
                rng.fill(&mut k).map_err(|_| OidcError::Random)?;
                k
            }
        };
        Ok(Oidc {
            signer: hmac::Key::new(hmac::HMAC_SHA256, &key_bytes),
            config,
            meta,
            http,
            jwks: RwLock::new(jwks),
            rng,
        })
    }

    /// The issuer, as its discovery document names it.
    pub fn issuer(&self) -> &str {
        &self.meta.issuer
    }

    /// Where the provider sends people back: `{base_url}/auth/callback`, which must be
    /// registered with the provider.
    pub fn redirect_uri(&self) -> String {
        format!(
            "{}/auth/callback",
            self.config.base_url.trim_end_matches('/')
        )
    }

    /// Cookies only over HTTPS when the server is reached over HTTPS.
    fn secure(&self) -> &'static str {
        if self.config.base_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        }
    }

    fn random(&self) -> Result<String, OidcError> {
        let mut b = [0u8; 32];
        self.rng.fill(&mut b).map_err(|_| OidcError::Random)?;
        Ok(B64.encode(b))
    }

    /// `payload.signature`, the signature covering a purpose as well, so a flow cookie
    /// can never pass for a session.
    fn sign<T: Serialize>(&self, purpose: &str, value: &T) -> String {
        // Serialising these plain structs cannot fail.
        let payload = B64.encode(serde_json::to_vec(value).unwrap_or_default());
        let tag = hmac::sign(&self.signer, format!("{purpose}.{payload}").as_bytes());
        format!("{payload}.{}", B64.encode(tag.as_ref()))
    }

    fn unsign<T: for<'de> Deserialize<'de>>(&self, purpose: &str, signed: &str) -> Option<T> {
        let (payload, tag) = signed.split_once('.')?;
        let tag = B64.decode(tag).ok()?;
        hmac::verify(
            &self.signer,
            format!("{purpose}.{payload}").as_bytes(),
            &tag,
        )
        .ok()?;
        serde_json::from_slice(&B64.decode(payload).ok()?).ok()
    }

    /// Starts a sign-in: the provider's address to send the browser to, and the flow
    /// cookie to set. `next` is the page to return to (a path on this site).
    pub fn login(&self, next: &str) -> Result<(String, String), OidcError> {
        let flow = Flow {
            state: self.random()?,
            nonce: self.random()?,
            verifier: self.random()?,
            next: next.to_string(),
            exp: now() + FLOW_TTL.as_secs(),
        };
        let challenge = B64.encode(ring::digest::digest(
            &ring::digest::SHA256,
            flow.verifier.as_bytes(),
        ));
        let redirect_uri = self.redirect_uri();
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", "openid profile email")
            .append_pair("state", &flow.state)
            .append_pair("nonce", &flow.nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let sep = if self.meta.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!("{}{sep}{query}", self.meta.authorization_endpoint);
        let cookie = format!(
            "{FLOW_COOKIE}={}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.sign("flow", &flow),
            FLOW_TTL.as_secs(),
            self.secure()
        );
        Ok((location, cookie))
    }

    /// Finishes a sign-in: checks `state` against the flow cookie, trades `code` for an
    /// ID token, verifies it, and returns the session and the page to go back to.
    pub async fn callback(
        &self,
        headers: &HeaderMap,
        code: Option<&str>,
        state: Option<&str>,
    ) -> Result<(Session, String), OidcError> {
        let flow: Flow = cookie(headers, FLOW_COOKIE)
            .and_then(|c| self.unsign("flow", c))
            .filter(|f: &Flow| f.exp >= now())
            .ok_or_else(|| {
                OidcError::BadCallback(
                    "no sign-in is in progress in this browser (it took over ten minutes, or \
                     cookies are blocked): start again at /auth/login"
                        .into(),
                )
            })?;
        if state != Some(flow.state.as_str()) {
            return Err(OidcError::BadCallback(
                "the sign-in's state does not match the one this browser started: start again \
                 at /auth/login"
                    .into(),
            ));
        }
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OidcError::BadCallback("the callback has no code".into()))?;
        let id_token = self.exchange(code, &flow.verifier).await?;
        let claims = self.verify(&id_token, &flow.nonce).await?;
        let mut session = self.session_of(&claims)?;
        if self.meta.end_session_endpoint.is_some() && id_token.len() <= MAX_KEPT_ID_TOKEN {
            session.id_token = Some(id_token);
        }
        Ok((session, flow.next))
    }

    /// The token endpoint's ID token for `code`.
    async fn exchange(&self, code: &str, verifier: &str) -> Result<String, OidcError> {
        let redirect_uri = self.redirect_uri();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier),
            ("client_id", self.config.client_id.as_str()),
        ];
        let mut req = self.http.post(&self.meta.token_endpoint);
        if let Some(secret) = &self.config.client_secret {
            // `client_secret_basic` is the default of the specification; a provider that
            // lists only `client_secret_post` gets the secret in the form.
            let basic = self
                .meta
                .token_endpoint_auth_methods_supported
                .as_ref()
                .is_none_or(|m| m.iter().any(|m| m == "client_secret_basic"));
            if basic {
                // RFC 6749 2.3.1: both are form-encoded before they are joined.
                let enc =
                    |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                req = req.basic_auth(enc(&self.config.client_id), Some(enc(secret)));
            } else {
                form.push(("client_secret", secret.as_str()));
            }
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&form)
            .finish();
        let url = &self.meta.token_endpoint;
        let provider = |e: reqwest::Error| OidcError::Provider {
            url: url.clone(),
            message: with_causes(&e),
        };
        let resp = req
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(provider)?;
        let status = resp.status();
        if status.is_client_error() {
            let text = resp.text().await.unwrap_or_default();
            return Err(OidcError::Refused(format!(
                "the identity provider refused the code ({status}): {}",
                text.chars().take(300).collect::<String>()
            )));
        }
        if !status.is_success() {
            return Err(OidcError::Provider {
                url: url.clone(),
                message: format!("answered {status}"),
            });
        }
        let token: TokenResponse = resp.json().await.map_err(provider)?;
        token.id_token.ok_or_else(|| {
            OidcError::Refused("the identity provider's answer has no ID token".into())
        })
    }

    /// The claims of `id_token`, once its signature, issuer, audience, expiry and nonce
    /// are checked.
    pub async fn verify(
        &self,
        id_token: &str,
        nonce: &str,
    ) -> Result<serde_json::Map<String, Value>, OidcError> {
        let refused = |m: String| OidcError::Refused(format!("the ID token was refused: {m}"));
        let head = jsonwebtoken::decode_header(id_token).map_err(|e| refused(e.to_string()))?;
        if head.alg != Algorithm::RS256 {
            return Err(refused(format!(
                "it is signed with {:?}, not RS256",
                head.alg
            )));
        }
        let mut key = self.key_for(head.kid.as_deref()).await;
        if key.is_none() {
            // Providers rotate their keys: a token may name one published since startup.
            let fresh: JwkSet = get_json(&self.http, &self.meta.jwks_uri).await?;
            *self.jwks.write().await = fresh;
            key = self.key_for(head.kid.as_deref()).await;
        }
        let key = key
            .ok_or_else(|| refused("it is signed with a key the issuer does not publish".into()))?;
        let mut v = Validation::new(Algorithm::RS256);
        v.set_issuer(&[&self.meta.issuer]);
        v.set_audience(&[&self.config.client_id]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = LEEWAY_SECS;
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(id_token, &key, &v)
            .map_err(|e| refused(why_refused(&e)))?;
        let claims = data.claims;
        if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
            return Err(refused(
                "its nonce is not the one this sign-in sent (a replayed token?)".into(),
            ));
        }
        Ok(claims)
    }

    /// The published RSA key named `kid` (any RSA key when the token names none).
    async fn key_for(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let set = self.jwks.read().await;
        set.keys
            .iter()
            .filter(|k| matches!(k.algorithm, AlgorithmParameters::RSA(_)))
            .filter(|k| kid.is_none() || k.common.key_id.as_deref() == kid)
            .find_map(|k| DecodingKey::from_jwk(k).ok())
    }

    /// The session of a person whose ID token had these claims.
    fn session_of(&self, claims: &serde_json::Map<String, Value>) -> Result<Session, OidcError> {
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Refused("the ID token has no subject".into()))?;
        let groups = strings(claim(claims, &self.config.roles_claim));
        let member = |of: &[String]| groups.iter().any(|g| of.contains(g));
        let role = if member(&self.config.admin_groups) {
            Role::Admin
        } else if member(&self.config.contributor_groups) {
            Role::Contributor
        } else {
            Role::Viewer
        };
        let team = self
            .config
            .team_claim
            .as_deref()
            .and_then(|c| strings(claim(claims, c)).into_iter().next())
            .filter(|t| !t.trim().is_empty());
        let name = ["name", "preferred_username", "email"]
            .iter()
            .find_map(|c| claims.get(*c).and_then(Value::as_str))
            .map(str::to_string);
        Ok(Session {
            sub: sub.to_string(),
            name,
            role,
            team,
            exp: now() + self.config.session_ttl.as_secs(),
            id_token: None,
        })
    }

    /// The `Set-Cookie` value keeping `session`.
    pub fn session_cookie(&self, session: &Session) -> String {
        format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.sign("session", session),
            session.exp.saturating_sub(now()),
            self.secure()
        )
    }

    /// The `Set-Cookie` values that end the session and any sign-in in progress.
    pub fn clearing_cookies(&self) -> [String; 2] {
        [
            format!(
                "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
                self.secure()
            ),
            format!(
                "{FLOW_COOKIE}=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0{}",
                self.secure()
            ),
        ]
    }

    /// Where to send a browser that signs out so the provider ends its session too, or
    /// `None` when the provider publishes no end-session endpoint. Names the session by
    /// its ID token when the cookie kept it (an expired session still names it), and the
    /// client always; the provider sends the browser back to [`SIGNED_OUT_PATH`].
    pub fn end_session_url(&self, headers: &HeaderMap) -> Option<String> {
        let endpoint = self.meta.end_session_endpoint.as_deref()?;
        let id_token = cookie(headers, SESSION_COOKIE)
            .and_then(|c| self.unsign::<Session>("session", c))
            .and_then(|s| s.id_token);
        let back = format!(
            "{}{SIGNED_OUT_PATH}",
            self.config.base_url.trim_end_matches('/')
        );
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(t) = &id_token {
            query.append_pair("id_token_hint", t);
        }
        query
            .append_pair("client_id", &self.config.client_id)
            .append_pair("post_logout_redirect_uri", &back);
        let sep = if endpoint.contains('?') { '&' } else { '?' };
        Some(format!("{endpoint}{sep}{}", query.finish()))
    }

    /// The session a request carries: `None` without a session cookie, an error (for
    /// the 401 message) when it is not one this server signed or it is over.
    pub fn session(&self, headers: &HeaderMap) -> Option<Result<Session, &'static str>> {
        let value = cookie(headers, SESSION_COOKIE)?;
        Some(match self.unsign::<Session>("session", value) {
            Some(s) if s.exp >= now() => Ok(s),
            Some(_) => Err("the session is over: sign in again at /auth/login"),
            None => Err("the session cookie is not valid: sign in again at /auth/login"),
        })
    }
}

/// A person's sentence for a token that did not pass.
fn why_refused(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::ExpiredSignature => "it has expired".into(),
        K::InvalidAudience => {
            "it was issued for another application (its audience is not our client id)".into()
        }
        K::InvalidIssuer => "it was issued by another issuer".into(),
        K::InvalidSignature => "its signature does not verify with the issuer's keys".into(),
        K::ImmatureSignature => "it is not valid yet (check this machine's clock)".into(),
        K::MissingRequiredClaim(c) => format!("it has no `{c}` claim"),
        _ => format!("it is malformed ({e})"),
    }
}

/// The value of the cookie `name`, if the request has a non-empty one (the token
/// sign-in's cookie, `auth::token_from_headers`, as well as the sessions here).
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, v)| *n == name && !v.is_empty())
        .map(|(_, v)| v.trim())
}

/// A claim by name, else by a dotted path into nested objects (Keycloak's
/// `realm_access.roles`). The exact name comes first: claim names may hold dots
/// (`https://example.com/groups`).
fn claim<'c>(claims: &'c serde_json::Map<String, Value>, name: &str) -> Option<&'c Value> {
    claims.get(name).or_else(|| {
        let mut parts = name.split('.');
        let first = claims.get(parts.next()?)?;
        parts.try_fold(first, |v, p| v.get(p))
    })
}

/// A claim's strings: a list of them, or one.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// An HTTP client's error with its causes ("error sending request" alone says little).
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, OidcError> {
    let provider = |message: String| OidcError::Provider {
        url: url.to_string(),
        message,
    };
    let resp = http
        .get(url)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| provider(with_causes(&e)))?;
    if !resp.status().is_success() {
        return Err(provider(format!("answered {}", resp.status())));
    }
    resp.json().await.map_err(|e| provider(with_causes(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_found_by_name_then_by_path() {
        let claims: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"groups": ["a", "b"], "realm_access": {"roles": ["admins"]},
                "https://x.example/team": "Payments", "n": 3}"#,
        )
        .expect("JSON");
        assert_eq!(strings(claim(&claims, "groups")), ["a", "b"]);
        assert_eq!(strings(claim(&claims, "realm_access.roles")), ["admins"]);
        assert_eq!(
            strings(claim(&claims, "https://x.example/team")),
            ["Payments"]
        );
        assert!(strings(claim(&claims, "n")).is_empty());
        assert!(strings(claim(&claims, "missing.path")).is_empty());
    }

    #[test]
    fn plain_http_only_on_this_machine() {
        assert!(plain_http_allowed("https://login.example.com/realms/x"));
        assert!(plain_http_allowed("http://127.0.0.1:8080/x"));
        assert!(plain_http_allowed("http://localhost/x"));
        assert!(!plain_http_allowed("http://login.example.com"));
        assert!(!plain_http_allowed("http://127.0.0.1.evil.example/x"));
        assert!(!plain_http_allowed("ftp://x"));
    }
}
