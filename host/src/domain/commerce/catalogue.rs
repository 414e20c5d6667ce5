//! Browsing the catalogue, merchant tokens, and a merchant's management of
//! its own items and orders. A merchant reaches only its own: every
//! merchant operation checks the resource's merchant against the token's.

use super::{CommerceError, CommerceService};
use crate::config::check_id;
use crate::storage::commerce::{ItemPatch, ItemQuery, ItemRecord, MerchantRecord};
use serde::Deserialize;
use utoipa::ToSchema;

/// Who a merchant token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantIdentity {
    /// District id.
    pub district: String,
    /// Merchant id.
    pub merchant: String,
}

/// An item a merchant adds.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// Id, unique in the district: 1-63 of `a-z 0-9 -`.
    pub id: String,
    /// Name.
    pub name: String,
    /// `goods` (needs `stock`) or `service`.
    pub kind: String,
    /// Category; default the merchant's.
    pub category: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Price of one unit in minor units, above 0.
    pub price: i64,
    /// Units in stock, for goods.
    pub stock: Option<i64>,
}

/// Changes a merchant makes to an item; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New price in minor units, above 0.
    pub price: Option<i64>,
    /// New stock level, 0 or more (goods only).
    pub stock: Option<i64>,
}

impl CommerceService {
    /// Merchants of a district, optionally of one category.
    pub async fn merchants(
        &self,
        district: &str,
        category: Option<&str>,
    ) -> Result<Vec<MerchantRecord>, CommerceError> {
        self.district(district)?;
        Ok(self.store.merchants(district, category).await?)
    }

    /// One merchant.
    pub async fn merchant(
        &self,
        district: &str,
        id: &str,
    ) -> Result<MerchantRecord, CommerceError> {
        self.district(district)?;
        self.store
            .merchant(district, id)
            .await?
            .ok_or_else(|| CommerceError::UnknownMerchant(id.to_owned()))
    }

    /// Items of a district matching `query` (limit 1-500, default 100).
    pub async fn search(
        &self,
        district: &str,
        mut query: ItemQuery,
    ) -> Result<Vec<ItemRecord>, CommerceError> {
        self.district(district)?;
        if query.limit == 0 {
            query.limit = 100;
        }
        if !(1..=500).contains(&query.limit) {
            return Err(CommerceError::InvalidRequest(
                "limit must be 1 to 500".into(),
            ));
        }
        Ok(self.store.items(district, &query).await?)
    }

    /// Creates a token for a merchant; the token is returned once and only
    /// its hash is kept.
    pub async fn issue_merchant_token(
        &self,
        district: &str,
        merchant: &str,
    ) -> Result<String, CommerceError> {
        self.merchant(district, merchant).await?;
        let token = self.store.create_merchant_token(district, merchant).await?;
        tracing::info!(district, merchant, "merchant token created");
        Ok(token)
    }

    /// The merchant a token belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<MerchantIdentity, CommerceError> {
        match self.store.merchant_for_token(token).await? {
            Some((district, merchant)) => Ok(MerchantIdentity { district, merchant }),
            None => Err(CommerceError::Unauthorized),
        }
    }

    /// A merchant's own items.
    pub async fn own_items(
        &self,
        who: &MerchantIdentity,
    ) -> Result<Vec<ItemRecord>, CommerceError> {
        let query = ItemQuery {
            merchant: Some(who.merchant.clone()),
            limit: 500,
            ..ItemQuery::default()
        };
        Ok(self.store.items(&who.district, &query).await?)
    }

    /// Adds an item to a merchant's catalogue.
    pub async fn add_item(
        &self,
        who: &MerchantIdentity,
        new: NewItemRequest,
    ) -> Result<ItemRecord, CommerceError> {
        check_id("id", &new.id).map_err(|(_, why)| CommerceError::InvalidRequest(why))?;
        if new.name.trim().is_empty() || new.name.len() > 200 {
            return Err(CommerceError::InvalidRequest(
                "name must be 1-200 bytes".into(),
            ));
        }
        check_price(new.price)?;
        match (new.kind.as_str(), new.stock) {
            ("goods", Some(stock)) if stock >= 0 => {}
            ("service", None) => {}
            _ => {
                return Err(CommerceError::InvalidRequest(
                    "kind is \"goods\" with a stock of 0 or more, or \"service\" without".into(),
                ));
            }
        }
        let merchant = self.merchant(&who.district, &who.merchant).await?;
        let item = ItemRecord {
            id: new.id,
            merchant: who.merchant.clone(),
            name: new.name,
            kind: new.kind,
            category: new.category.unwrap_or(merchant.category),
            description: new.description,
            price: new.price,
            stock: new.stock,
        };
        self.store
            .add_item(&who.district, &item)
            .await
            .map_err(|e| match CommerceError::from(e) {
                CommerceError::Duplicate(_) => {
                    CommerceError::Duplicate(format!("item {:?}", item.id))
                }
                other => other,
            })?;
        Ok(item)
    }

    /// Changes one of a merchant's own items.
    pub async fn change_item(
        &self,
        who: &MerchantIdentity,
        id: &str,
        change: ItemChange,
    ) -> Result<ItemRecord, CommerceError> {
        let item = self.own_item(who, id).await?;
        if let Some(price) = change.price {
            check_price(price)?;
        }
        if change.stock.is_some_and(|s| s < 0) {
            return Err(CommerceError::InvalidRequest(
                "stock must be 0 or more".into(),
            ));
        }
        if change.stock.is_some() && item.stock.is_none() {
            return Err(CommerceError::InvalidRequest(
                "a service has no stock".into(),
            ));
        }
        let patch = ItemPatch {
            name: change.name,
            description: change.description,
            price: change.price,
            stock: change.stock,
        };
        self.store.update_item(&who.district, id, &patch).await?;
        self.own_item(who, id).await
    }

    /// One of the merchant's own items; 403 for another merchant's.
    async fn own_item(
        &self,
        who: &MerchantIdentity,
        id: &str,
    ) -> Result<ItemRecord, CommerceError> {
        let item = self
            .store
            .item(&who.district, id)
            .await?
            .ok_or_else(|| CommerceError::UnknownItem(id.to_owned()))?;
        if item.merchant != who.merchant {
            let why = format!("item {id:?} belongs to another merchant");
            return Err(CommerceError::Forbidden(why));
        }
        Ok(item)
    }
}

fn check_price(price: i64) -> Result<(), CommerceError> {
    if price <= 0 || price > 10_000_000_000 {
        return Err(CommerceError::InvalidRequest(
            "price must be above 0 and at most 100,000,000.00 (minor units)".into(),
        ));
    }
    Ok(())
}
