//! Sign-in with an identity provider, against a fake OpenID Connect provider on loopback:
//! discovery, JWKS, an authorize endpoint that redirects back with a code, and a token
//! endpoint that checks the PKCE verifier and the client secret and issues RS256-signed
//! ID tokens. The RSA keys are generated when the tests run; none is committed.
//!
//! Everything goes over real HTTP with a client that does not follow redirects, so each
//! step (where the browser is sent, which cookies are set) is checked.

mod api_common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use api_common::{body, seed_demo};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use throughline_server::AppState;
use throughline_server::oidc::{DEFAULT_SESSION_TTL, Oidc, OidcConfig};
use throughline_store::{Role, Store};

const CLIENT_ID: &str = "throughline";
const CLIENT_SECRET: &str = "test-client-secret";
const KID: &str = "test-key-1";

/// Two RSA key pairs made for this run: the provider's, and another that signs forged
/// tokens. Made once per test binary (a 2048-bit key takes a moment).
fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        (
            RsaPrivateKey::new(&mut rng, 2048).expect("an RSA key"),
            RsaPrivateKey::new(&mut rng, 2048).expect("an RSA key"),
        )
    })
}

/// What the fake provider puts in (or does to) the next ID token it issues.
#[derive(Debug, Clone)]
struct Mode {
    groups: Vec<String>,
    team: Option<String>,
    aud: String,
    iss: Option<String>,
    /// Seconds from now.
    exp: i64,
    nonce: Option<String>,
    forged: bool,
}

impl Mode {
    fn groups(groups: &[&str]) -> Mode {
        Mode {
            groups: groups.iter().map(|g| g.to_string()).collect(),
            team: None,
            aud: CLIENT_ID.into(),
            iss: None,
            exp: 300,
            nonce: None,
            forged: false,
        }
    }
}

/// A code the authorize endpoint handed out, and what it was given with it.
#[derive(Debug, Clone)]
struct Grant {
    challenge: String,
    nonce: String,
    redirect_uri: String,
}

struct Provider {
    issuer: String,
    /// Whether the discovery document names an end-session endpoint (`/logout`).
    end_session: bool,
    /// The last ID token issued.
    issued: Mutex<Option<String>>,
    mode: Mutex<Mode>,
    grants: Mutex<HashMap<String, Grant>>,
    next_code: Mutex<u64>,
}

type P = Arc<Provider>;

async fn discovery(State(p): State<P>) -> axum::Json<Value> {
    let i = &p.issuer;
    let mut doc = json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    });
    if p.end_session {
        doc["end_session_endpoint"] = json!(format!("{i}/logout"));
    }
    axum::Json(doc)
}

/// RP-initiated logout: names the client, and sends the browser back where it asked
/// (a real provider checks that address against the client's registered ones).
async fn end_session_endpoint(Query(q): Query<HashMap<String, String>>) -> Response {
    match (
        q.get("client_id").map(String::as_str),
        q.get("post_logout_redirect_uri"),
    ) {
        (Some(CLIENT_ID), Some(back)) => Redirect::to(back).into_response(),
        _ => (StatusCode::BAD_REQUEST, "bad logout request").into_response(),
    }
}

async fn jwks() -> axum::Json<Value> {
    let public = keys().0.to_public_key();
    axum::Json(json!({ "keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
        "n": B64.encode(public.n().to_bytes_be()),
        "e": B64.encode(public.e().to_bytes_be()),
    }]}))
}

async fn authorize(State(p): State<P>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ok = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && q.get("code_challenge_method").map(String::as_str) == Some("S256");
    let (Some(challenge), Some(nonce), Some(state), Some(redirect_uri), true) = (
        q.get("code_challenge"),
        q.get("nonce"),
        q.get("state"),
        q.get("redirect_uri"),
        ok,
    ) else {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    };
    let code = {
        let mut n = p.next_code.lock().unwrap();
        *n += 1;
        format!("code-{n}")
    };
    p.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            challenge: challenge.clone(),
            nonce: nonce.clone(),
            redirect_uri: redirect_uri.clone(),
        },
    );
    let back = format!(
        "{redirect_uri}?code={code}&state={}",
        form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>()
    );
    Redirect::to(&back).into_response()
}

async fn token(
    State(p): State<P>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let refuse = |why: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "invalid_grant", "error_description": why })),
        )
            .into_response()
    };
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(basic.as_str())
    {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    // A code is good once.
    let Some(grant) = f
        .get("code")
        .and_then(|c| p.grants.lock().unwrap().remove(c))
    else {
        return refuse("unknown code");
    };
    if f.get("grant_type").map(String::as_str) != Some("authorization_code")
        || f.get("redirect_uri") != Some(&grant.redirect_uri)
    {
        return refuse("wrong grant type or redirect URI");
    }
    // PKCE (RFC 7636 4.6): the verifier must hash to the challenge the login sent.
    let verifier = f.get("code_verifier").map(String::as_str).unwrap_or("");
    let hashed = B64.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ));
    if verifier.len() < 43 || hashed != grant.challenge {
        return refuse("the code verifier does not match the challenge");
    }
    let mode = p.mode.lock().unwrap().clone();
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": mode.iss.clone().unwrap_or_else(|| p.issuer.clone()),
        "sub": "person-1",
        "aud": mode.aud,
        "iat": now,
        "exp": now + mode.exp,
        "nonce": mode.nonce.clone().unwrap_or(grant.nonce),
        "name": "A Person",
        "groups": mode.groups,
    });
    if let Some(team) = mode.team {
        claims["team"] = json!(team);
    }
    let signer = if mode.forged { &keys().1 } else { &keys().0 };
    let der = signer.to_pkcs1_der().expect("DER");
    let key = jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes());
    let mut head = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    head.kid = Some(KID.into());
    let id_token = jsonwebtoken::encode(&head, &claims, &key).expect("a signed token");
    *p.issued.lock().unwrap() = Some(id_token.clone());
    axum::Json(json!({
        "access_token": "unused", "token_type": "Bearer", "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

/// Starts the fake provider on loopback, without an end-session endpoint.
async fn provider() -> P {
    provider_with(false).await
}

/// Starts the fake provider on loopback; `end_session`: with an end-session endpoint.
async fn provider_with(end_session: bool) -> P {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let p = Arc::new(Provider {
        issuer,
        end_session,
        issued: Mutex::new(None),
        mode: Mutex::new(Mode::groups(&[])),
        grants: Mutex::new(HashMap::new()),
        next_code: Mutex::new(0),
    });
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/logout", get(end_session_endpoint))
        .with_state(p.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    p
}

/// A Throughline server on `db` signing people in with `p`: "tl-admins" are admins,
/// "tl-contributors" contributors, the `team` claim names the team.
async fn server(db: &std::path::Path, p: &Provider) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let oidc = Oidc::discover(OidcConfig {
        issuer: p.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        base_url: base.clone(),
        roles_claim: "groups".into(),
        team_claim: Some("team".into()),
        admin_groups: vec!["tl-admins".into()],
        contributor_groups: vec!["tl-contributors".into()],
        session_ttl: DEFAULT_SESSION_TTL,
        session_key: None,
    })
    .await
    .expect("the fake provider's discovery document");
    let state =
        AppState::open_full(db.to_path_buf(), false, std::time::Duration::from_secs(120)).unwrap();
    assert!(state.set_oidc(oidc));
    assert!(
        state.auth_required(),
        "an identity provider requires sign-in"
    );
    tokio::spawn(async move {
        throughline_server::serve_on(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    base
}

/// A browser: its cookies (by name; paths are not needed here), no redirects followed.
#[derive(Default)]
struct Browser {
    cookies: HashMap<String, String>,
}

impl Browser {
    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let r = self
            .with_cookies(Self::client().get(url))
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    fn with_cookies(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.cookies.is_empty() {
            return rb;
        }
        let line: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        rb.header(header::COOKIE, line.join("; "))
    }

    /// Keeps (or, at `Max-Age=0`, drops) every cookie the response sets.
    fn keep(&mut self, r: &reqwest::Response) {
        for c in set_cookies(r) {
            let (pair, attrs) = c.split_once(';').unwrap_or((&c, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
    }
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn location(r: &reqwest::Response) -> String {
    assert!(r.status().is_redirection(), "{} is no redirect", r.status());
    r.headers()[header::LOCATION].to_str().unwrap().to_string()
}

fn query(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

/// Goes through the sign-in up to the provider's redirect back: the callback's address.
async fn to_callback(b: &mut Browser, base: &str, issuer: &str) -> String {
    let r = b.get(&format!("{base}/auth/login?next=%2Foff-plan")).await;
    let at_provider = location(&r);
    assert!(
        at_provider.starts_with(&format!("{issuer}/authorize?")),
        "{at_provider}"
    );
    let back = location(&b.get(&at_provider).await);
    assert!(
        back.starts_with(&format!("{base}/auth/callback?")),
        "{back}"
    );
    back
}

/// Signs in with the provider issuing its next ID token as `mode` says: the callback's
/// answer.
async fn sign_in(b: &mut Browser, base: &str, p: &Provider, mode: Mode) -> reqwest::Response {
    *p.mode.lock().unwrap() = mode;
    let back = to_callback(b, base, &p.issuer).await;
    b.get(&back).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_with_the_provider_and_their_groups_give_their_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 100);
    let script_token = Store::open(&db)
        .unwrap()
        .create_token(Role::Viewer, None, Some("script"))
        .unwrap()
        .secret;
    let p = provider().await;
    let base = server(&db, &p).await;
    let api = Browser::client();

    // A browser that is not signed in is sent to /auth/login, keeping the page it asked for.
    let mut b = Browser::default();
    let r = b.get(&format!("{base}/items?limit=5")).await;
    assert_eq!(location(&r), "/auth/login?next=%2Fitems%3Flimit%3D5");
    // The API answers 401 as before, in JSON.
    let (st, v) = body(api.get(format!("{base}/api/status")).send().await.unwrap()).await;
    assert_eq!(st, 401, "{v}");
    assert!(v["error"].as_str().unwrap().contains("/auth/login"), "{v}");
    // Tokens keep working for scripts.
    let r = api
        .get(format!("{base}/api/items?limit=1"))
        .bearer_auth(&script_token)
        .send()
        .await
        .unwrap();
    let (st, items) = body(r).await;
    assert_eq!(st, 200, "{items}");
    let key = items["items"][0]["key"].as_str().unwrap().to_string();
    let source = items["items"][0]["source"].as_str().unwrap().to_string();

    // The login sends the browser to the provider with a PKCE challenge, state and nonce,
    // and keeps them in a short-lived cookie only the callback gets.
    let r = b.get(&format!("{base}/auth/login?next=%2Foff-plan")).await;
    let flow_cookie = set_cookies(&r).join("\n");
    assert!(
        flow_cookie.starts_with("throughline_oidc="),
        "{flow_cookie}"
    );
    for attr in ["Path=/auth", "HttpOnly", "SameSite=Lax", "Max-Age=600"] {
        assert!(flow_cookie.contains(attr), "{attr} in {flow_cookie}");
    }
    let at_provider = location(&r);
    let q = query(&at_provider);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["redirect_uri"], format!("{base}/auth/callback"));
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "a base64url SHA-256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    assert!(q["state"].len() >= 32 && q["nonce"].len() >= 32);
    assert_ne!(q["state"], q["nonce"]);
    // The provider checks the PKCE verifier: a code traded without the right one is refused.
    let back = location(&b.get(&at_provider).await);
    let code = query(&back)["code"].clone();
    let r = api
        .post(format!("{}/token", p.issuer))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &format!("{base}/auth/callback")),
            ("code_verifier", &"x".repeat(43)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A viewer: no group of ours. The callback sets the session and returns to the page.
    let mut viewer = Browser::default();
    let r = sign_in(&mut viewer, &base, &p, Mode::groups(&["staff"])).await;
    assert_eq!(location(&r), "/off-plan");
    let session = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("throughline_session="))
        .expect("a session cookie");
    for attr in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="] {
        assert!(session.contains(attr), "{attr} in {session}");
    }
    assert!(
        !viewer.cookies.contains_key("throughline_oidc"),
        "the flow cookie is cleared"
    );
    let r = viewer.get(&format!("{base}/")).await;
    assert_eq!(r.status(), 200);
    let overview = r.text().await.unwrap();
    assert!(overview.contains("<h1"), "the overview");
    // The header says who is signed in, with what role, and how to sign out; on the
    // shared (cached) overview and on a page of its own alike.
    let who =
        "Signed in as <strong>A Person</strong> (viewer) · <a href=\"/auth/logout\">Sign out</a>";
    assert!(overview.contains(who), "{overview}");
    let item_page = format!("{base}/items/{source}/{key}");
    let r = viewer.get(&item_page).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-store");
    let page = r.text().await.unwrap();
    assert!(page.contains(who), "{page}");
    // A viewer is shown no form to correct, confirm or add a note, but why.
    assert!(!page.contains("method=\"post\""), "{page}");
    assert!(
        page.contains("Viewers can read; ask for contributor access"),
        "{page}"
    );
    // The session is the API's credential too: a viewer reads, and may not correct a link.
    let r = viewer.get(&format!("{base}/api/status")).await;
    assert_eq!(r.status(), 200);
    let link = format!("{base}/api/items/{source}/{key}/link");
    let correction = json!({ "target": "off_plan:maintenance" });
    let r = viewer
        .with_cookies(api.post(&link).json(&correction))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 403, "{v}");
    assert!(v["error"].as_str().unwrap().contains("contributor"), "{v}");
    // Nor through the dashboard's form.
    let form = format!("{base}/items/{source}/{key}/link");
    let r = viewer
        .with_cookies(api.post(&form).form(&[("target", "off_plan:maintenance")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A contributor may, and the correction carries the team from the claim.
    let mut contributor = Browser::default();
    let mode = Mode {
        team: Some("Payments".into()),
        ..Mode::groups(&["staff", "tl-contributors"])
    };
    let r = sign_in(&mut contributor, &base, &p, mode).await;
    assert_eq!(location(&r), "/off-plan");
    let page = contributor.get(&item_page).await.text().await.unwrap();
    assert!(
        page.contains("(contributor) · <a href=\"/auth/logout\">"),
        "{page}"
    );
    assert!(page.contains("id=\"correct\"") && page.contains("id=\"add-note\""));
    // The overview the viewer was shown does not carry the viewer's name to others.
    let overview = contributor
        .get(&format!("{base}/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(overview.contains("(contributor)") && !overview.contains("(viewer)"));
    let r = contributor
        .with_cookies(api.post(&link).json(&correction))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["by_team"], "Payments", "{v}");
    // But it is not an admin.
    let r = contributor
        .with_cookies(api.get(format!("{base}/api/tokens")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let mut admin = Browser::default();
    sign_in(&mut admin, &base, &p, Mode::groups(&["tl-admins"])).await;
    let r = admin
        .with_cookies(api.get(format!("{base}/api/tokens")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Signing out clears the session: the next page goes back to sign-in.
    let r = viewer.get(&format!("{base}/auth/logout")).await;
    assert_eq!(r.status(), 200);
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("throughline_session=;") && c.contains("Max-Age=0")),
        "{:?}",
        set_cookies(&r)
    );
    assert!(!viewer.cookies.contains_key("throughline_session"));
    // This provider has no end-session endpoint: the page says so here, and does not say
    // who is signed in.
    let page = r.text().await.unwrap();
    assert!(page.contains("You are signed out") && !page.contains("Signed in as"));
    let r = viewer.get(&format!("{base}/")).await;
    assert_eq!(location(&r), "/auth/login?next=%2F");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session_at_a_provider_that_offers_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 60);
    let p = provider_with(true).await;
    let base = server(&db, &p).await;
    let mut b = Browser::default();
    let r = sign_in(&mut b, &base, &p, Mode::groups(&["tl-contributors"])).await;
    assert!(r.status().is_redirection());
    let id_token = p
        .issued
        .lock()
        .unwrap()
        .clone()
        .expect("an ID token issued");
    // The session keeps the ID token to name itself at sign-out, and stays a cookie every
    // browser keeps.
    let session = b.cookies["throughline_session"].clone();
    assert!(session.len() < 3000, "{} bytes", session.len());
    let kept: Value =
        serde_json::from_slice(&B64.decode(session.split_once('.').unwrap().0).unwrap()).unwrap();
    assert_eq!(kept["id_token"], id_token.as_str());
    assert_eq!(b.get(&format!("{base}/")).await.status(), 200);

    // Signing out clears our cookie and sends the browser to the provider's endpoint,
    // naming the session and where to come back to.
    let r = b.get(&format!("{base}/auth/logout")).await;
    let at_provider = location(&r);
    assert!(
        at_provider.starts_with(&format!("{}/logout?", p.issuer)),
        "{at_provider}"
    );
    let q = query(&at_provider);
    assert_eq!(q["id_token_hint"], id_token);
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(
        q["post_logout_redirect_uri"],
        format!("{base}/auth/signed-out")
    );
    assert!(!b.cookies.contains_key("throughline_session"));
    // The provider sends the browser back, to a page that says it is signed out.
    let back = location(&b.get(&at_provider).await);
    assert_eq!(back, format!("{base}/auth/signed-out"));
    let r = b.get(&back).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
    let page = r.text().await.unwrap();
    assert!(page.contains("You are signed out"), "{page}");
    let r = b.get(&format!("{base}/")).await;
    assert_eq!(location(&r), "/auth/login?next=%2F");
    // A browser with no session (or one already over) still ends the provider's, by the
    // client id alone.
    let r = Browser::default().get(&format!("{base}/auth/logout")).await;
    let q = query(&location(&r));
    assert!(!q.contains_key("id_token_hint"));
    assert_eq!(q["client_id"], CLIENT_ID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_states_and_cookies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 60);
    let p = provider().await;
    let base = server(&db, &p).await;

    // Each ID token the provider could issue wrongly is refused with 401 and no session.
    let cases = [
        (
            "wrong audience",
            Mode {
                aud: "another-app".into(),
                ..Mode::groups(&["tl-admins"])
            },
            "audience",
        ),
        (
            "expired",
            Mode {
                exp: -3600,
                ..Mode::groups(&["tl-admins"])
            },
            "expired",
        ),
        (
            "signed with another key",
            Mode {
                forged: true,
                ..Mode::groups(&["tl-admins"])
            },
            "signature",
        ),
        (
            "wrong nonce",
            Mode {
                nonce: Some("a-nonce-from-another-sign-in".into()),
                ..Mode::groups(&["tl-admins"])
            },
            "nonce",
        ),
        (
            "another issuer",
            Mode {
                iss: Some("http://127.0.0.1:1/other".into()),
                ..Mode::groups(&["tl-admins"])
            },
            "another issuer",
        ),
    ];
    for (what, mode, why) in cases {
        let mut b = Browser::default();
        let r = sign_in(&mut b, &base, &p, mode).await;
        assert_eq!(r.status(), 401, "{what}");
        assert!(
            set_cookies(&r)
                .iter()
                .all(|c| !c.starts_with("throughline_session=")),
            "{what}"
        );
        let page = r.text().await.unwrap();
        assert!(page.contains(why), "{what}: {page}");
        let r = b.get(&format!("{base}/api/status")).await;
        assert_eq!(r.status(), 401, "{what}");
    }

    // A state that is not the one this browser started: 400, and the code is not used.
    let mut b = Browser::default();
    *p.mode.lock().unwrap() = Mode::groups(&["tl-admins"]);
    let back = to_callback(&mut b, &base, &p.issuer).await;
    let q = query(&back);
    let forged = format!(
        "{base}/auth/callback?code={}&state=someone-elses-state",
        q["code"]
    );
    let r = b.get(&forged).await;
    assert_eq!(r.status(), 400);
    assert!(
        set_cookies(&r)
            .iter()
            .all(|c| !c.starts_with("throughline_session="))
    );
    assert!(
        p.grants.lock().unwrap().contains_key(&q["code"]),
        "not traded"
    );
    // And that sign-in is over: even the right state is no longer accepted.
    assert!(
        !b.cookies.contains_key("throughline_oidc"),
        "the flow cookie is cleared"
    );
    assert_eq!(b.get(&back).await.status(), 400);
    let back = to_callback(&mut b, &base, &p.issuer).await;
    // A callback in a browser that started no sign-in (a link someone was sent): 400.
    let mut stranger = Browser::default();
    assert_eq!(stranger.get(&back).await.status(), 400);
    // Malformed callbacks: 400, never a crash.
    for bad in [
        "/auth/callback",
        "/auth/callback?state=",
        "/auth/callback?code=&state=x",
        "/auth/callback?code=%ZZ",
    ] {
        let r = b.get(&format!("{base}{bad}")).await;
        assert!(r.status() == 400, "{bad}: {}", r.status());
    }
    // The provider said no.
    let r = b
        .get(&format!("{base}/auth/callback?error=access_denied&state=x"))
        .await;
    assert_eq!(r.status(), 401);

    // A good sign-in, then a session cookie changed to claim admin: refused everywhere.
    let mut b = Browser::default();
    let r = sign_in(&mut b, &base, &p, Mode::groups(&["staff"])).await;
    assert!(r.status().is_redirection());
    let cookie = b.cookies["throughline_session"].clone();
    let (payload, sig) = cookie.split_once('.').unwrap();
    let mut claims: Value = serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
    assert_eq!(claims["role"], "viewer");
    claims["role"] = json!("admin");
    let tampered = format!("{}.{sig}", B64.encode(serde_json::to_vec(&claims).unwrap()));
    for value in [tampered.as_str(), "garbage", "a.b", &format!("{payload}.")] {
        let mut t = Browser::default();
        t.cookies.insert("throughline_session".into(), value.into());
        let r = t.get(&format!("{base}/api/tokens")).await;
        let (st, v) = body(r).await;
        assert_eq!(st, 401, "{value}: {v}");
        assert!(v["error"].as_str().unwrap().contains("session"), "{v}");
        let r = t.get(&format!("{base}/")).await;
        assert_eq!(location(&r), "/auth/login?next=%2F", "{value}");
    }
    // The untouched cookie still works.
    assert_eq!(b.get(&format!("{base}/api/status")).await.status(), 200);
}
