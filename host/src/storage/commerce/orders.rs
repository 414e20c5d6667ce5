//! Orders: placing one reserves its stock in the same transaction, moving
//! it between states is a conditional update, cancelling returns stock and
//! releases coupon redemptions.

use super::{CommerceStore, CommerceWriteError, now_ms};
use crate::storage::StorageError;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

/// A line of an order to place.
#[derive(Debug, Clone)]
pub struct NewOrderLine {
    /// Catalogue item id.
    pub item: String,
    /// Its name when ordered.
    pub name: String,
    /// Its category.
    pub category: String,
    /// Price of one unit when ordered.
    pub unit_price: i64,
    /// Units.
    pub quantity: i64,
    /// Whether it is a good whose stock is reserved.
    pub stocked: bool,
    /// Discount on the line.
    pub discount: i64,
}

/// A discount applied to an order, and who gave it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiscountRecord {
    /// The promotion plugin that gave it.
    pub plugin: String,
    /// Index of the line it applies to; none for the whole cart.
    pub line: Option<i64>,
    /// Amount taken off, in minor units.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// The coupon code it redeemed, if any.
    pub coupon: Option<String>,
}

/// An order to place.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Its id.
    pub id: String,
    /// District id.
    pub district: String,
    /// Merchant id.
    pub merchant: String,
    /// Shopper id.
    pub shopper: String,
    /// `pickup` or `delivery`.
    pub fulfilment: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Sum of the lines before discounts.
    pub subtotal: i64,
    /// Sum of the discounts.
    pub discount: i64,
    /// What the shopper pays.
    pub total: i64,
    /// Code shown at the counter.
    pub pickup_code: String,
    /// Where to deliver, for delivery.
    pub delivery_address: Option<String>,
    /// Its lines.
    pub lines: Vec<NewOrderLine>,
    /// Its discounts.
    pub discounts: Vec<DiscountRecord>,
}

/// A line of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLineRecord {
    /// Catalogue item id.
    pub item: String,
    /// Name when ordered.
    pub name: String,
    /// Price of one unit when ordered.
    pub unit_price: i64,
    /// Units.
    pub quantity: i64,
    /// Discount on the line.
    pub discount: i64,
}

/// An order as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderRecord {
    /// Order id.
    pub id: String,
    /// District id.
    pub district: String,
    /// Merchant id.
    pub merchant: String,
    /// Shopper id.
    pub shopper: String,
    /// `pickup` or `delivery`.
    pub fulfilment: String,
    /// `pending-payment`, `paid`, `ready`, `collected`, `awaiting-courier`,
    /// `delivered`, `cancelled` or `refunded`.
    pub status: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Sum of the lines before discounts.
    pub subtotal: i64,
    /// Sum of the discounts.
    pub discount: i64,
    /// What the shopper pays.
    pub total: i64,
    /// Paid out on claims against it so far.
    pub claimed: i64,
    /// Code the shopper shows at the counter.
    #[serde(skip)]
    pub pickup_code: String,
    /// Where to deliver.
    pub delivery_address: Option<String>,
    /// The payment provider's id of its payment.
    pub payment_id: Option<String>,
    /// Created, ms since the Unix epoch.
    pub created_at: i64,
    /// Last changed, ms since the Unix epoch.
    pub updated_at: i64,
    /// Its lines.
    pub lines: Vec<OrderLineRecord>,
    /// Its discounts.
    pub discounts: Vec<DiscountRecord>,
}

/// A change of an order's state.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    /// State the order must be in.
    pub from: &'a str,
    /// State it moves to.
    pub to: &'a str,
    /// Payment id to record, if any.
    pub payment_id: Option<&'a str>,
    /// Whether to put reserved stock back and release coupons.
    pub release: bool,
}

const ORDER_COLUMNS: &str = "id, district, merchant, shopper, fulfilment, status, currency, \
     subtotal, discount, total, claimed, pickup_code, delivery_address, payment_id, \
     created_at, updated_at";

fn order(row: &AnyRow) -> OrderRecord {
    OrderRecord {
        id: row.get(0),
        district: row.get(1),
        merchant: row.get(2),
        shopper: row.get(3),
        fulfilment: row.get(4),
        status: row.get(5),
        currency: row.get(6),
        subtotal: row.get(7),
        discount: row.get(8),
        total: row.get(9),
        claimed: row.get(10),
        pickup_code: row.get(11),
        delivery_address: row.get(12),
        payment_id: row.get(13),
        created_at: row.get(14),
        updated_at: row.get(15),
        lines: Vec::new(),
        discounts: Vec::new(),
    }
}

impl CommerceStore {
    /// Places an order: inserts it and reserves the stock of every good in
    /// one transaction. A good without enough stock rolls everything back
    /// with [`CommerceWriteError::OutOfStock`]; concurrent orders can never
    /// take more than there is.
    pub async fn place_order(
        &self,
        o: &NewOrder,
        redemptions: &[(String, String)],
    ) -> Result<(), CommerceWriteError> {
        let now = now_ms();
        let mut tx = self.storage.begin_write().await?;
        // The first statement writes, so SQLite takes its write lock at
        // once instead of upgrading a read lock (which cannot wait).
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO commerce_orders ({ORDER_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, 'pending-payment', $6, $7, $8, $9, 0, $10, $11, NULL, $12, $13)"
        )))
        .bind(&o.id)
        .bind(&o.district)
        .bind(&o.merchant)
        .bind(&o.shopper)
        .bind(&o.fulfilment)
        .bind(&o.currency)
        .bind(o.subtotal)
        .bind(o.discount)
        .bind(o.total)
        .bind(&o.pickup_code)
        .bind(o.delivery_address.as_deref())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (n, line) in o.lines.iter().enumerate() {
            if line.stocked {
                let taken = sqlx::query(
                    "UPDATE commerce_items SET stock = stock - $1 \
                     WHERE district = $2 AND id = $3 AND stock >= $4",
                )
                .bind(line.quantity)
                .bind(&o.district)
                .bind(&line.item)
                .bind(line.quantity)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if taken != 1 {
                    return Err(CommerceWriteError::OutOfStock(line.item.clone()));
                }
            }
            sqlx::query(
                "INSERT INTO commerce_order_lines (order_id, line_no, item, name, category, \
                 unit_price, quantity, stocked, discount) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&o.id)
            .bind(n as i64)
            .bind(&line.item)
            .bind(&line.name)
            .bind(&line.category)
            .bind(line.unit_price)
            .bind(line.quantity)
            .bind(i64::from(line.stocked))
            .bind(line.discount)
            .execute(&mut *tx)
            .await?;
        }
        for (n, d) in o.discounts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO commerce_order_discounts (order_id, seq, plugin, line_no, amount, \
                 reason, coupon) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&o.id)
            .bind(n as i64)
            .bind(&d.plugin)
            .bind(d.line)
            .bind(d.amount)
            .bind(&d.reason)
            .bind(d.coupon.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        for (plugin, code) in redemptions {
            sqlx::query(
                "INSERT INTO commerce_coupon_redemptions (district, plugin, code, shopper, \
                 order_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(&o.district)
            .bind(plugin)
            .bind(code)
            .bind(&o.shopper)
            .bind(&o.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves an order from one state to another; with `release`, puts its
    /// reserved stock back and releases its coupon redemptions in the same
    /// transaction. [`CommerceWriteError::Conflict`] when the order is no
    /// longer in `from`.
    pub async fn transition(
        &self,
        district: &str,
        id: &str,
        t: &Transition<'_>,
    ) -> Result<(), CommerceWriteError> {
        let mut tx = self.storage.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE commerce_orders SET status = $1, updated_at = $2, \
             payment_id = COALESCE($3, payment_id) \
             WHERE district = $4 AND id = $5 AND status = $6",
        )
        .bind(t.to)
        .bind(now_ms())
        .bind(t.payment_id)
        .bind(district)
        .bind(id)
        .bind(t.from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(CommerceWriteError::Conflict);
        }
        if t.release {
            let lines = sqlx::query(
                "SELECT item, quantity FROM commerce_order_lines \
                 WHERE order_id = $1 AND stocked = 1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            for line in lines {
                sqlx::query(
                    "UPDATE commerce_items SET stock = stock + $1 \
                     WHERE district = $2 AND id = $3 AND stock IS NOT NULL",
                )
                .bind(line.get::<i64, _>(1))
                .bind(district)
                .bind(line.get::<String, _>(0))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM commerce_coupon_redemptions WHERE order_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One order with its lines and discounts.
    pub async fn order(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<OrderRecord>, StorageError> {
        let sql =
            format!("SELECT {ORDER_COLUMNS} FROM commerce_orders WHERE district = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(mut o) = row.as_ref().map(order) else {
            return Ok(None);
        };
        let lines = sqlx::query(
            "SELECT item, name, unit_price, quantity, discount FROM commerce_order_lines \
             WHERE order_id = $1 ORDER BY line_no",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        o.lines = lines
            .iter()
            .map(|r| OrderLineRecord {
                item: r.get(0),
                name: r.get(1),
                unit_price: r.get(2),
                quantity: r.get(3),
                discount: r.get(4),
            })
            .collect();
        let discounts = sqlx::query(
            "SELECT plugin, line_no, amount, reason, coupon FROM commerce_order_discounts \
             WHERE order_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        o.discounts = discounts
            .iter()
            .map(|r| DiscountRecord {
                plugin: r.get(0),
                line: r.get(1),
                amount: r.get(2),
                reason: r.get(3),
                coupon: r.get(4),
            })
            .collect();
        Ok(Some(o))
    }

    /// Orders of a district, newest first, of one merchant and/or shopper.
    pub async fn orders(
        &self,
        district: &str,
        merchant: Option<&str>,
        shopper: Option<&str>,
    ) -> Result<Vec<OrderRecord>, StorageError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM commerce_orders WHERE district = $1 \
             AND ($2 = '' OR merchant = $3) AND ($4 = '' OR shopper = $5) \
             ORDER BY created_at DESC, id LIMIT 500"
        );
        let merchant = merchant.unwrap_or("");
        let shopper = shopper.unwrap_or("");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(merchant)
            .bind(merchant)
            .bind(shopper)
            .bind(shopper)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(order).collect())
    }

    /// How many orders of `shopper` redeemed each of `codes` through
    /// `plugin`, as (code, count) for codes used at least once.
    pub async fn coupon_uses(
        &self,
        district: &str,
        plugin: &str,
        shopper: &str,
    ) -> Result<Vec<(String, u32)>, StorageError> {
        let rows = sqlx::query(
            "SELECT code, COUNT(*) FROM commerce_coupon_redemptions \
             WHERE district = $1 AND plugin = $2 AND shopper = $3 GROUP BY code",
        )
        .bind(district)
        .bind(plugin)
        .bind(shopper)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1) as u32))
            .collect())
    }
}
