//! Single sign-on for staff with OpenID Connect (the `openidconnect` crate, built on `oauth2`):
//! the configured providers, the redirect to one (Authorization Code flow with PKCE S256, `state`
//! and `nonce`), and the callback that checks what comes back (state, code, ID token signature,
//! issuer, audience, expiry, nonce) before the rules of `career_relay::sso` decide whom it signs in.

use crate::{
    error::{HandlerError, OrBack},
    signin::{session_failed, start_session, SSO_REFUSED},
};
use app::state::AppState;
use axum::{
    extract::{Path, Query, State},
    response::Redirect,
    routing::get,
    Router,
};
use career_relay::{auth::Subject, UserError};
use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata},
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};
use tokio::sync::RwLock;
use tower_sessions::Session;

/// Where the sign-in in progress is kept in the session until the provider sends the person back.
const PENDING_KEY: &str = "sso_pending";
/// Minutes a person has to finish signing in at the provider.
const PENDING_MINUTES: i64 = 10;
/// How long discovered metadata and signing keys are reused before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// A provider as configured (`CAREER_RELAY_SSO_PROVIDERS`: a JSON array, or the path of a TOML
/// file with `[[provider]]` tables).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Short id used in URLs and in organisations' settings (`a-z`, `0-9`, `-`).
    pub id: String,
    /// Shown to admins; defaults to the preset's name or the id.
    #[serde(default)]
    pub name: Option<String>,
    /// `google` or `entra` (Microsoft Entra ID; needs `tenant`); fills in the issuer.
    #[serde(default)]
    pub preset: Option<Preset>,
    /// The issuer URL, for providers without a preset (found through OIDC discovery).
    #[serde(default)]
    pub issuer: Option<String>,
    /// The Entra ID tenant (directory) id.
    #[serde(default)]
    pub tenant: Option<String>,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The name of an environment variable holding the client secret (kept out of files).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Accept addresses the provider does not mark `email_verified` (only for a single-tenant
    /// directory whose admins manage every address and that admits no guests).
    #[serde(default)]
    pub trust_email: Option<bool>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Google,
    Entra,
}

#[derive(Deserialize)]
struct ProviderFile {
    #[serde(default)]
    provider: Vec<ProviderConfig>,
}

/// Reads the providers from the setting: inline JSON (`[…]`) or a TOML file's path.
pub fn read_providers(setting: &str) -> anyhow::Result<Vec<ProviderConfig>> {
    let text = setting.trim();
    if text.starts_with('[') {
        return Ok(serde_json::from_str(text)?);
    }
    let file = std::fs::read_to_string(text)
        .map_err(|e| anyhow::anyhow!("cannot read the SSO providers file {text}: {e}"))?;
    Ok(toml::from_str::<ProviderFile>(&file)?.provider)
}

/// A client of a discovered provider: authorization endpoint known, token and user-info endpoints
/// as the metadata names them.
type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// A configured provider, with its discovered metadata once fetched.
pub struct Provider {
    pub id: String,
    pub name: String,
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    trust_email: bool,
    metadata: RwLock<Option<(std::time::Instant, CoreProviderMetadata)>>,
}

impl Provider {
    fn from_config(c: ProviderConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !c.id.is_empty()
                && c.id
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "SSO provider id {:?}: use a-z, 0-9 and -",
            c.id
        );
        let (issuer, name, trust) = match c.preset {
            Some(Preset::Google) => ("https://accounts.google.com".to_owned(), "Google", false),
            Some(Preset::Entra) => {
                let tenant = c.tenant.as_deref().ok_or_else(|| {
                    anyhow::anyhow!("SSO provider {}: the entra preset needs `tenant`", c.id)
                })?;
                // Entra ID does not verify its `email` claim (a guest's home directory sets it),
                // so it is not trusted unless the operator says so for their own directory.
                (
                    format!("https://login.microsoftonline.com/{tenant}/v2.0"),
                    "Microsoft Entra ID",
                    false,
                )
            }
            None => (
                c.issuer.clone().ok_or_else(|| {
                    anyhow::anyhow!("SSO provider {}: set `issuer` or a `preset`", c.id)
                })?,
                c.id.as_str(),
                false,
            ),
        };
        let url = url::Url::parse(&issuer)?;
        anyhow::ensure!(
            url.scheme() == "https" || crate::is_loopback(&issuer),
            "SSO provider {}: the issuer must use https",
            c.id
        );
        let secret = match (&c.client_secret, &c.client_secret_env) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(var)) => Some(std::env::var(var).map_err(|_| {
                anyhow::anyhow!(
                    "SSO provider {}: environment variable {var} is not set",
                    c.id
                )
            })?),
            (None, None) => None,
        };
        Ok(Self {
            name: c.name.clone().unwrap_or_else(|| name.to_owned()),
            id: c.id,
            issuer: IssuerUrl::new(issuer)?,
            client_id: ClientId::new(c.client_id),
            client_secret: secret.map(ClientSecret::new),
            trust_email: c.trust_email.unwrap_or(trust),
            metadata: RwLock::new(None),
        })
    }
}

/// Every configured provider and what talking to them needs.
#[derive(Clone)]
pub struct Sso {
    providers: Arc<Vec<Provider>>,
    http: openidconnect::reqwest::Client,
    redirect: RedirectUrl,
}

/// Why a sign-in with a provider failed; logged by kind only (never tokens or addresses).
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("unknown provider")]
    UnknownProvider,
    #[error("provider unreachable or its metadata invalid: {0}")]
    Discovery(String),
    #[error("no sign-in in progress, or it is too old")]
    NoPending,
    #[error("state does not match")]
    State,
    #[error("the provider answered with an error")]
    ProviderError,
    #[error("the code was refused: {0}")]
    Exchange(String),
    #[error("no ID token")]
    NoIdToken,
    #[error("ID token refused: {0}")]
    IdToken(String),
    #[error("no e-mail address in the ID token")]
    NoEmail,
    #[error("the answer names another issuer")]
    Issuer,
}

/// What the ID token says once checked.
#[derive(Debug, Clone)]
pub struct Verified {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
}

/// The sign-in in progress, kept in the session.
#[derive(Serialize, Deserialize)]
struct Pending {
    provider: String,
    state: String,
    nonce: String,
    verifier: String,
    at: i64,
}

impl Sso {
    /// The providers of the setting; `None` when none are configured.
    pub fn new(configs: Vec<ProviderConfig>, base_url: &str) -> anyhow::Result<Option<Self>> {
        if configs.is_empty() {
            return Ok(None);
        }
        let mut providers: Vec<Provider> = Vec::new();
        for c in configs {
            let p = Provider::from_config(c)?;
            anyhow::ensure!(
                providers.iter().all(|q| q.id != p.id),
                "SSO provider id {} is used twice",
                p.id
            );
            providers.push(p);
        }
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer lead the server elsewhere (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Some(Self {
            providers: Arc::new(providers),
            http,
            redirect: RedirectUrl::new(format!("{}/sso/callback", base_url.trim_end_matches('/')))?,
        }))
    }

    /// `(id, name)` of every provider, for the admin's settings.
    pub fn list(&self) -> Vec<(String, String)> {
        self.providers
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect()
    }

    /// The providers' origins (`https://accounts.google.com`), for the pages' form-action policy.
    pub fn origins(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .providers
            .iter()
            .map(|p| p.issuer.url().origin().ascii_serialization())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn provider(&self, id: &str) -> Result<&Provider, SsoError> {
        self.providers
            .iter()
            .find(|p| p.id == id)
            .ok_or(SsoError::UnknownProvider)
    }

    /// The provider's metadata and signing keys, discovered once an hour.
    async fn metadata(&self, p: &Provider) -> Result<CoreProviderMetadata, SsoError> {
        if let Some((at, m)) = p.metadata.read().await.as_ref() {
            if at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        self.discover(p).await
    }

    /// Discovers the provider's metadata and signing keys again (e.g. after a key rotation).
    async fn discover(&self, p: &Provider) -> Result<CoreProviderMetadata, SsoError> {
        let m = CoreProviderMetadata::discover_async(p.issuer.clone(), &self.http)
            .await
            .map_err(|e| SsoError::Discovery(e.to_string()))?;
        *p.metadata.write().await = Some((std::time::Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(&self, p: &Provider, m: CoreProviderMetadata) -> Client {
        CoreClient::from_provider_metadata(m, p.client_id.clone(), p.client_secret.clone())
            .set_redirect_uri(self.redirect.clone())
    }

    /// The provider's authorization URL for a new sign-in, and what to keep until it returns.
    async fn begin(&self, provider: &str) -> Result<(url::Url, Pending), SsoError> {
        let p = self.provider(provider)?;
        let client = self.client(p, self.metadata(p).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url,
            Pending {
                provider: p.id.clone(),
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                at: career_relay::time::now(),
            },
        ))
    }

    /// Swaps the code for tokens (with the PKCE verifier) and checks the ID token.
    async fn finish(
        &self,
        pending: &Pending,
        code: &str,
        iss: Option<&str>,
    ) -> Result<Verified, SsoError> {
        let p = self.provider(&pending.provider)?;
        // RFC 9207: a provider that names itself in the answer must be the one we sent the
        // person to (a defence against mixing up providers).
        if iss.is_some_and(|i| i.trim_end_matches('/') != p.issuer.as_str().trim_end_matches('/')) {
            return Err(SsoError::Issuer);
        }
        let client = self.client(p, self.metadata(p).await?);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Exchange(e.to_string()))?;
        // The access token is not used: only the ID token says who signed in.
        let _ = tokens.access_token();
        let id_token = tokens.id_token().ok_or(SsoError::NoIdToken)?;
        let nonce = Nonce::new(pending.nonce.clone());
        match check_id_token(p, &client, id_token, &nonce, chrono::Utc::now()) {
            // The provider may have rotated its keys since they were fetched: once more with
            // freshly fetched keys.
            Err(SsoError::IdToken(_)) => {
                let fresh = self.client(p, self.discover(p).await?);
                check_id_token(p, &fresh, id_token, &nonce, chrono::Utc::now())
            }
            other => other,
        }
    }

    /// Checks a raw ID token of `provider` (for tests that hold one from a real provider).
    pub async fn verify_raw_id_token(
        &self,
        provider: &str,
        raw: &str,
        nonce: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Verified, SsoError> {
        let p = self.provider(provider)?;
        let client = self.client(p, self.metadata(p).await?);
        let token: CoreIdToken = raw
            .parse()
            .map_err(|e: serde_json::Error| SsoError::IdToken(e.to_string()))?;
        check_id_token(p, &client, &token, &Nonce::new(nonce.to_owned()), now)
    }
}

/// Checks an ID token as the callback does: signature against the provider's published keys,
/// issuer, audience (this client only), expiry and issue time at `now`, and the nonce.
fn check_id_token(
    p: &Provider,
    client: &Client,
    id_token: &CoreIdToken,
    nonce: &Nonce,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Verified, SsoError> {
    let verifier = client.id_token_verifier().set_time_fn(move || now);
    let claims = id_token
        .claims(&verifier, nonce)
        .map_err(|e| SsoError::IdToken(e.to_string()))?;
    Ok(Verified {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(p.trust_email),
    })
}

/// The SSO routes: `/sso/{provider}/start` and `/sso/callback`.
pub fn routes(sso: Sso, state: AppState) -> Router {
    Router::new()
        .route("/sso/{provider}/start", get(start))
        .route("/sso/callback", get(callback))
        .with_state((sso, state))
}

/// `GET /sso/{provider}/start`: remembers a new state, nonce and PKCE verifier in the session and
/// sends the browser to the provider.
async fn start(
    State((sso, _)): State<(Sso, AppState)>,
    session: Session,
    Path(provider): Path<String>,
) -> Result<Redirect, HandlerError> {
    let (url, pending) = sso.begin(&provider).await.map_err(|e| {
        tracing::warn!(error = %e, "SSO sign-in could not start");
        HandlerError::back(SSO_REFUSED, UserError::SsoFailed)
    })?;
    session.insert(PENDING_KEY, pending).await.map_err(|e| {
        session_failed(e);
        HandlerError::back(SSO_REFUSED, UserError::Internal)
    })?;
    Ok(Redirect::to(url.as_str()))
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// `GET /sso/callback`: the provider sends the person back. The sign-in in progress is taken out
/// of the session (so a code or state can be used once), checked, and only then does the person
/// get a session; any failure shows the refusal page and signs nobody in.
async fn callback(
    State((sso, state)): State<(Sso, AppState)>,
    session: Session,
    headers: axum::http::HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Redirect, HandlerError> {
    let pending = session
        .remove::<Pending>(PENDING_KEY)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = ?e, "session read failed");
            None
        });
    let verified = async {
        let pending = pending
            .filter(|p| career_relay::time::now() - p.at <= PENDING_MINUTES * 60)
            .ok_or(SsoError::NoPending)?;
        let same_state = q.state.as_deref().is_some_and(|s| {
            use subtle::ConstantTimeEq;
            bool::from(s.as_bytes().ct_eq(pending.state.as_bytes()))
        });
        if !same_state {
            return Err(SsoError::State);
        }
        if q.error.is_some() {
            return Err(SsoError::ProviderError);
        }
        let code = q.code.as_deref().ok_or(SsoError::ProviderError)?;
        let v = sso.finish(&pending, code, q.iss.as_deref()).await?;
        Ok((pending.provider, v))
    }
    .await;
    let (provider, v) = verified.map_err(|e| {
        tracing::warn!(error = %e, "SSO sign-in refused");
        HandlerError::back(SSO_REFUSED, UserError::SsoFailed)
    })?;
    let Some(Ok(email)) = v.email.as_deref().map(career_relay::Email::parse) else {
        tracing::warn!(error = %SsoError::NoEmail, "SSO sign-in refused");
        return Err(HandlerError::back(
            SSO_REFUSED,
            UserError::SsoEmailUnverified,
        ));
    };
    let identity = career_relay::sso::Identity {
        provider,
        subject: v.subject,
        email,
        email_verified: v.email_verified,
    };
    let user = career_relay::sso::sign_in(&state.pool, &identity)
        .await
        .inspect_err(|e| {
            if let career_relay::Error::User(reason) = e {
                tracing::info!(%reason, "SSO sign-in refused by the organisation rules");
            }
        })
        .or_back(SSO_REFUSED)?;
    let language = app::api::ssr::language_of(&headers);
    start_session(
        &state,
        &session,
        Subject::User(user),
        "sign_in_sso",
        language,
    )
    .await
}
