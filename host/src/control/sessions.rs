//! Operators' browser sessions. An operator signs in by pasting their
//! admin token; the server checks it, stores a new random session id
//! (only its sha256) with the token's id and role, and the browser keeps
//! the id in an HttpOnly, SameSite=Strict cookie. A session ends when it
//! expires (`[control] session_hours`), when the operator signs out, or
//! at once when its token is revoked.

use super::{ControlCentre, ControlError, now_ms, random_hex};
use crate::admin::{Principal, Role, hash_token};
use crate::storage::SessionRecord;

/// The cookie that carries the session id.
pub const SESSION_COOKIE: &str = "plaza_session";

/// A session just opened.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session id, for the cookie; stored nowhere.
    pub secret: String,
    /// Who signed in.
    pub principal: Principal,
    /// How long it lasts, in seconds.
    pub max_age_secs: u64,
}

impl ControlCentre {
    /// Checks `token` and opens a session for its holder.
    pub async fn sign_in(&self, token: &str) -> Result<Session, ControlError> {
        let principal = self.inner.admin.authenticate(Some(token.trim())).await?;
        let secret = random_hex(32)?;
        let max_age_secs = self.inner.config.session_hours * 3600;
        let now = now_ms();
        let record = SessionRecord {
            token_id: principal.token_id.clone(),
            role: principal.role.name().to_owned(),
            district: match &principal.role {
                Role::CityAdmin => None,
                Role::DistrictOperator { district } => Some(district.clone()),
            },
            expires_at: now + max_age_secs as i64 * 1000,
        };
        self.inner
            .storage
            .control()
            .open_session(&hash_token(&secret), &record, now)
            .await?;
        tracing::info!(token = %principal.token_id, role = principal.role.name(),
            "operator signed in to the control centre");
        Ok(Session {
            secret,
            principal,
            max_age_secs,
        })
    }

    /// The operator a session cookie names, if it is live.
    pub async fn session(&self, secret: &str) -> Result<Option<Principal>, ControlError> {
        let store = self.inner.storage.control();
        let Some(record) = store.session(&hash_token(secret), now_ms()).await? else {
            return Ok(None);
        };
        let role = Role::parse(&record.role, record.district.as_deref())
            .map_err(|e| ControlError::Unauthorized(format!("unusable session: {e}")))?;
        Ok(Some(Principal {
            token_id: record.token_id,
            role,
        }))
    }

    /// The operator a bearer token or a session cookie names; the token
    /// wins when both are given.
    pub async fn authenticate(
        &self,
        bearer: Option<&str>,
        cookie: Option<&str>,
    ) -> Result<Principal, ControlError> {
        if let Some(token) = bearer {
            return Ok(self.inner.admin.authenticate(Some(token)).await?);
        }
        if let Some(secret) = cookie
            && let Some(principal) = self.session(secret).await?
        {
            return Ok(principal);
        }
        Err(ControlError::Unauthorized(
            "sign in at /control/sign-in, or send Authorization: Bearer <admin token>".into(),
        ))
    }

    /// Ends a session.
    pub async fn sign_out(&self, secret: &str) -> Result<(), ControlError> {
        let store = self.inner.storage.control();
        store.close_session(&hash_token(secret)).await?;
        Ok(())
    }
}
