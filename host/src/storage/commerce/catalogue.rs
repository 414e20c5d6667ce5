//! Merchants and their goods and services: seeding from district data,
//! search, and a merchant's own catalogue management.

use super::{CommerceStore, CommerceWriteError};
use crate::storage::StorageError;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

/// A merchant: a shop of the district.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MerchantRecord {
    /// Id, unique in the district.
    pub id: String,
    /// Shop name.
    pub name: String,
    /// What it sells, e.g. `hotpot`.
    pub category: String,
    /// Floor, e.g. `L3`.
    pub floor: String,
    /// Opening hours, e.g. `10:00-22:00`.
    pub opening_hours: String,
    /// Where to find it.
    pub location: String,
    /// Reviews so far.
    pub rating_count: i64,
    /// Mean rating (1-5), none before the first review.
    pub rating_average: Option<f64>,
}

/// A good (with stock) or a service (without).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemRecord {
    /// Id, unique in the district.
    pub id: String,
    /// Merchant selling it.
    pub merchant: String,
    /// Name.
    pub name: String,
    /// `goods` or `service`.
    pub kind: String,
    /// Category, e.g. `tea`.
    pub category: String,
    /// Description.
    pub description: String,
    /// Price of one unit in minor units (fen).
    pub price: i64,
    /// Units in stock; none for a service.
    pub stock: Option<i64>,
}

/// Changes a merchant makes to an item; unset fields stay.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New price.
    pub price: Option<i64>,
    /// New stock level (goods only).
    pub stock: Option<i64>,
}

/// Filters of an item search; unset ones match everything.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    /// Only this merchant's items.
    pub merchant: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Text found in the name or description, any case.
    pub text: Option<String>,
    /// At most this many.
    pub limit: i64,
}

const MERCHANT_COLUMNS: &str =
    "id, name, category, floor, opening_hours, location, rating_count, rating_sum";
const ITEM_COLUMNS: &str = "id, merchant, name, kind, category, description, price, stock";

fn merchant(row: &AnyRow) -> MerchantRecord {
    let count: i64 = row.get(6);
    let sum: i64 = row.get(7);
    MerchantRecord {
        id: row.get(0),
        name: row.get(1),
        category: row.get(2),
        floor: row.get(3),
        opening_hours: row.get(4),
        location: row.get(5),
        rating_count: count,
        rating_average: (count > 0).then(|| (sum as f64 / count as f64 * 100.0).round() / 100.0),
    }
}

pub(super) fn item(row: &AnyRow) -> ItemRecord {
    ItemRecord {
        id: row.get(0),
        merchant: row.get(1),
        name: row.get(2),
        kind: row.get(3),
        category: row.get(4),
        description: row.get(5),
        price: row.get(6),
        stock: row.get(7),
    }
}

impl CommerceStore {
    /// Adds a merchant from district data unless it exists; an existing
    /// one keeps its data (and ratings) across restarts.
    pub async fn seed_merchant(
        &self,
        district: &str,
        m: &MerchantRecord,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO commerce_merchants (district, id, name, category, floor, \
             opening_hours, location) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (district, id) DO NOTHING",
        )
        .bind(district)
        .bind(&m.id)
        .bind(&m.name)
        .bind(&m.category)
        .bind(&m.floor)
        .bind(&m.opening_hours)
        .bind(&m.location)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Adds an item from district data unless it exists; an existing one
    /// keeps its price and stock as the merchant left them.
    pub async fn seed_item(&self, district: &str, i: &ItemRecord) -> Result<(), StorageError> {
        match self.add_item(district, i).await {
            Ok(()) | Err(CommerceWriteError::Duplicate) => Ok(()),
            Err(CommerceWriteError::Storage(e)) => Err(e),
            Err(e) => Err(StorageError::Query(sqlx::Error::Protocol(e.to_string()))),
        }
    }

    /// Adds an item; [`CommerceWriteError::Duplicate`] when its id exists.
    pub async fn add_item(&self, district: &str, i: &ItemRecord) -> Result<(), CommerceWriteError> {
        let added = sqlx::query(
            "INSERT INTO commerce_items (district, id, merchant, name, kind, category, \
             description, price, stock) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (district, id) DO NOTHING",
        )
        .bind(district)
        .bind(&i.id)
        .bind(&i.merchant)
        .bind(&i.name)
        .bind(&i.kind)
        .bind(&i.category)
        .bind(&i.description)
        .bind(i.price)
        .bind(i.stock)
        .execute(self.pool())
        .await?
        .rows_affected();
        if added == 0 {
            return Err(CommerceWriteError::Duplicate);
        }
        Ok(())
    }

    /// Every merchant of a district, optionally of one category.
    pub async fn merchants(
        &self,
        district: &str,
        category: Option<&str>,
    ) -> Result<Vec<MerchantRecord>, StorageError> {
        let sql = format!(
            "SELECT {MERCHANT_COLUMNS} FROM commerce_merchants WHERE district = $1 \
             AND ($2 = '' OR category = $3) ORDER BY id"
        );
        let category = category.unwrap_or("");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(category)
            .bind(category)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(merchant).collect())
    }

    /// One merchant.
    pub async fn merchant(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<MerchantRecord>, StorageError> {
        let sql = format!(
            "SELECT {MERCHANT_COLUMNS} FROM commerce_merchants WHERE district = $1 AND id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(merchant))
    }

    /// Items of a district matching `query`, by merchant and id.
    pub async fn items(
        &self,
        district: &str,
        query: &ItemQuery,
    ) -> Result<Vec<ItemRecord>, StorageError> {
        let text = query
            .text
            .as_deref()
            .map(|t| {
                let escaped = t.to_lowercase().replace(['%', '_', '\\'], "");
                format!("%{escaped}%")
            })
            .unwrap_or_default();
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM commerce_items WHERE district = $1 \
             AND ($2 = '' OR merchant = $3) AND ($4 = '' OR category = $5) \
             AND ($6 = '' OR LOWER(name) LIKE $7 OR LOWER(description) LIKE $8) \
             ORDER BY merchant, id LIMIT $9"
        );
        let merchant = query.merchant.as_deref().unwrap_or("");
        let category = query.category.as_deref().unwrap_or("");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(merchant)
            .bind(merchant)
            .bind(category)
            .bind(category)
            .bind(&text)
            .bind(&text)
            .bind(&text)
            .bind(query.limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(item).collect())
    }

    /// One item.
    pub async fn item(&self, district: &str, id: &str) -> Result<Option<ItemRecord>, StorageError> {
        let sql =
            format!("SELECT {ITEM_COLUMNS} FROM commerce_items WHERE district = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(item))
    }

    /// Applies a merchant's changes to one of its items.
    pub async fn update_item(
        &self,
        district: &str,
        id: &str,
        patch: &ItemPatch,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE commerce_items SET name = COALESCE($1, name), \
             description = COALESCE($2, description), price = COALESCE($3, price), \
             stock = CASE WHEN stock IS NULL THEN NULL ELSE COALESCE($4, stock) END \
             WHERE district = $5 AND id = $6",
        )
        .bind(patch.name.as_deref())
        .bind(patch.description.as_deref())
        .bind(patch.price)
        .bind(patch.stock)
        .bind(district)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
