//! Roles and bearer tokens. A token is 32 random bytes shown once when it
//! is created; the database keeps only its sha256, so a leaked database
//! holds no usable token. Tokens are never logged.

use super::{Admin, AdminError};
use crate::storage::{AuditEntry, Storage, StorageError, TokenRecord};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a token may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "kebab-case")]
pub enum Role {
    /// Everything, in every district.
    CityAdmin,
    /// Everything within one district, nothing elsewhere.
    DistrictOperator {
        /// The district.
        district: String,
    },
}

impl Role {
    /// The role as stored and as given to `plaza token create --role`.
    pub fn name(&self) -> &'static str {
        match self {
            Role::CityAdmin => "city-admin",
            Role::DistrictOperator { .. } => "district-operator",
        }
    }

    /// Builds a role from its name and, for an operator, its district.
    pub fn parse(name: &str, district: Option<&str>) -> Result<Self, String> {
        match (name, district) {
            ("city-admin", None) => Ok(Role::CityAdmin),
            ("city-admin", Some(_)) => Err("a city-admin token takes no district".into()),
            ("district-operator", Some(d)) => Ok(Role::DistrictOperator {
                district: d.to_owned(),
            }),
            ("district-operator", None) => Err("a district-operator token needs a district".into()),
            (other, _) => Err(format!(
                "unknown role {other:?}: use city-admin or district-operator"
            )),
        }
    }
}

/// Who is calling: a token's public id and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The token's public id.
    pub token_id: String,
    /// What it may do.
    #[serde(flatten)]
    pub role: Role,
}

impl Principal {
    /// The principal of tools run on the server itself (the CLI, watch).
    pub fn local(tool: &str) -> Self {
        Self {
            token_id: tool.to_owned(),
            role: Role::CityAdmin,
        }
    }

    /// How the audit log names this caller.
    pub fn actor(&self) -> String {
        match &self.role {
            Role::CityAdmin => format!("token:{} (city-admin)", self.token_id),
            Role::DistrictOperator { district } => {
                format!("token:{} (district-operator of {district})", self.token_id)
            }
        }
    }

    /// Whether this caller may manage `district`.
    pub fn may_manage(&self, district: &str) -> bool {
        match &self.role {
            Role::CityAdmin => true,
            Role::DistrictOperator { district: own } => own == district,
        }
    }

    /// Refuses a caller that may not manage `district`.
    pub fn authorize(&self, district: &str) -> Result<(), AdminError> {
        if self.may_manage(district) {
            Ok(())
        } else {
            Err(AdminError::Forbidden(format!(
                "this token may not manage district {district:?}"
            )))
        }
    }
}

/// The sha256 (hex) under which a token is stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token just created: its record and the secret, to show once.
#[derive(Debug)]
pub struct NewToken {
    /// What was stored.
    pub record: TokenRecord,
    /// The bearer token itself; stored nowhere.
    pub secret: String,
}

fn random_hex(bytes: usize) -> Result<String, StorageError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)
        .map_err(|e| StorageError::Query(sqlx::Error::Protocol(format!("no randomness: {e}"))))?;
    Ok(hex::encode(buf))
}

/// Creates a token with `role`, stores its hash and records the action.
pub async fn create_token(
    storage: &Storage,
    role: &Role,
    label: &str,
) -> Result<NewToken, StorageError> {
    let record = TokenRecord {
        id: random_hex(4)?,
        role: role.name().to_owned(),
        district: match role {
            Role::CityAdmin => None,
            Role::DistrictOperator { district } => Some(district.clone()),
        },
        label: label.to_owned(),
        created_at: chrono::Utc::now().timestamp_millis(),
    };
    let secret = format!("plaza_{}", random_hex(32)?);
    storage
        .tokens()
        .insert(&record, &hash_token(&secret))
        .await?;
    let entry = AuditEntry {
        actor: "cli".into(),
        action: "token.create".into(),
        district: record.district.clone(),
        outcome: "ok".into(),
        detail: format!("token {} ({}) {label:?}", record.id, record.role),
        ..AuditEntry::default()
    };
    storage.audit().record(&entry).await?;
    Ok(NewToken { record, secret })
}

impl Admin {
    /// The caller a bearer token names; missing, unknown and revoked
    /// tokens are refused alike.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Principal, AdminError> {
        let token = bearer.ok_or_else(|| {
            AdminError::Unauthorized("an admin token is required: Authorization: Bearer ...".into())
        })?;
        let record = self.inner.storage.tokens().find(&hash_token(token)).await?;
        let record =
            record.ok_or_else(|| AdminError::Unauthorized("unknown or revoked token".into()))?;
        let role = Role::parse(&record.role, record.district.as_deref())
            .map_err(|e| AdminError::Unauthorized(format!("unusable token: {e}")))?;
        Ok(Principal {
            token_id: record.id,
            role,
        })
    }
}
