//! Writing readings: one transaction per batch stores the readings, adds
//! the new ones to the per-minute and per-hour rollups, moves the state
//! of parking spaces and sets dead letters aside.
//!
//! A reading's key is (district, device, sequence, index): a second
//! delivery of the same uplink inserts nothing, and only readings that
//! were inserted count in the rollups, so a duplicate is never counted
//! twice.

use super::dead_letters::{self, NewDeadLetter};
use super::{Backend, Storage, StorageError};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{HashMap, HashSet};

/// Rows per multi-row statement, largest first. A batch is cut into
/// chunks of only these sizes, so the database sees a handful of distinct
/// statements that it prepares once and reuses, instead of parsing a new
/// one for every batch size; the largest stays well under both databases'
/// limits on bound parameters.
const CHUNK_ROWS: [usize; 5] = [256, 64, 16, 4, 1];
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;

/// What a reading says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReadingValue {
    /// A parking space is occupied (true) or free.
    Space(bool),
    /// People through an entrance.
    People {
        /// Came in.
        entered: u32,
        /// Went out.
        exited: u32,
    },
    /// Vehicles through a car-park gate.
    Vehicles {
        /// Came in.
        entered: u32,
        /// Went out.
        exited: u32,
    },
    /// Energy used, in kWh.
    EnergyKwh(f64),
}

impl ReadingValue {
    /// `space`, `people`, `vehicles` or `energy`.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadingValue::Space(_) => "space",
            ReadingValue::People { .. } => "people",
            ReadingValue::Vehicles { .. } => "vehicles",
            ReadingValue::EnergyKwh(_) => "energy",
        }
    }

    fn columns(&self) -> (Option<i64>, Option<i64>, Option<i64>, Option<f64>) {
        match *self {
            ReadingValue::Space(occupied) => (Some(occupied.into()), None, None, None),
            ReadingValue::People { entered, exited }
            | ReadingValue::Vehicles { entered, exited } => {
                (None, Some(entered.into()), Some(exited.into()), None)
            }
            ReadingValue::EnergyKwh(kwh) => (None, None, None, Some(kwh)),
        }
    }
}

/// A reading to store.
#[derive(Debug, Clone)]
pub struct NewReading {
    /// District id.
    pub district: String,
    /// Device id.
    pub device: String,
    /// The uplink's sequence number (frame counter or message id).
    pub seq: i64,
    /// Position of the reading within its uplink.
    pub idx: i64,
    /// The space, entrance, gate or meter observed.
    pub target: String,
    /// The car park of a parking space, for its state.
    pub car_park: Option<String>,
    /// When it was measured, milliseconds since the epoch.
    pub at: i64,
    /// When the uplink arrived.
    pub received_at: i64,
    /// What it says.
    pub value: ReadingValue,
}

/// Which readings of a batch were new.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    /// One flag per reading given, in order: false for a duplicate.
    pub inserted: Vec<bool>,
}

#[derive(Default)]
struct Rollup {
    readings: i64,
    entered: i64,
    exited: i64,
    kwh: f64,
}

/// Writing readings to the shared database.
#[derive(Clone)]
pub struct ReadingStore {
    pub(super) storage: Storage,
}

impl ReadingStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Stores a batch of readings and dead letters in one transaction.
    /// Nothing is stored unless all of it is.
    pub async fn store_batch(
        &self,
        readings: &[NewReading],
        dead: &[NewDeadLetter],
        dead_capacity: u64,
    ) -> Result<BatchOutcome, StorageError> {
        let backend = self.storage.backend();
        let mut tx = self.storage.begin_write().await?;
        let mut new_keys = HashSet::new();
        for chunk in statement_chunks(readings) {
            insert_readings(&mut tx, backend, chunk, &mut new_keys).await?;
        }
        // A key inserted by this batch counts once, even when the batch
        // carries the same uplink twice.
        let mut inserted = Vec::with_capacity(readings.len());
        let mut rollups: HashMap<(&str, &'static str, i64, &'static str, &str), Rollup> =
            HashMap::new();
        let mut spaces: HashMap<(&str, &str), &NewReading> = HashMap::new();
        for r in readings {
            let is_new = new_keys.remove(&(r.district.clone(), r.device.clone(), r.seq, r.idx));
            inserted.push(is_new);
            if !is_new {
                continue;
            }
            for (bucket, width) in [("minute", MINUTE_MS), ("hour", HOUR_MS)] {
                let start = r.at - r.at.rem_euclid(width);
                let key = (
                    r.district.as_str(),
                    bucket,
                    start,
                    r.value.kind(),
                    r.target.as_str(),
                );
                let sum = rollups.entry(key).or_default();
                sum.readings += 1;
                match r.value {
                    ReadingValue::People { entered, exited }
                    | ReadingValue::Vehicles { entered, exited } => {
                        sum.entered += i64::from(entered);
                        sum.exited += i64::from(exited);
                    }
                    ReadingValue::EnergyKwh(kwh) => sum.kwh += kwh,
                    ReadingValue::Space(_) => {}
                }
            }
            if let ReadingValue::Space(_) = r.value {
                let latest = spaces.entry((&r.district, &r.target)).or_insert(r);
                if r.at >= latest.at {
                    *latest = r;
                }
            }
        }
        let rollups: Vec<_> = rollups.into_iter().collect();
        for chunk in statement_chunks(&rollups) {
            upsert_rollups(&mut tx, backend, chunk).await?;
        }
        let spaces: Vec<_> = spaces.into_values().collect();
        for chunk in statement_chunks(&spaces) {
            upsert_spaces(&mut tx, backend, chunk).await?;
        }
        dead_letters::insert(&mut tx, dead, dead_capacity).await?;
        tx.commit().await?;
        Ok(BatchOutcome { inserted })
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;
type Key = (String, String, i64, i64);

/// `rows` cut into consecutive chunks of the sizes in [`CHUNK_ROWS`].
fn statement_chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        let size = CHUNK_ROWS.into_iter().find(|size| *size <= rest.len())?;
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        Some(chunk)
    })
}

/// Placeholders for `rows` rows of `width` values, bound in order:
/// `($1, $2, ...), ($n+1, ...)` on PostgreSQL, `(?, ?, ...), (?, ...)` on
/// SQLite. SQLite looks a numbered parameter's name up by walking a list
/// of every name, which makes binding a statement of thousands of
/// numbered parameters cost more than running it; anonymous ones have no
/// names to walk.
fn placeholders(backend: Backend, rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    for row in 0..rows {
        out.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                out.push_str(", ");
            }
            match backend {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&(row * width + col + 1).to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

async fn insert_readings(
    tx: &mut Tx,
    backend: Backend,
    chunk: &[NewReading],
    new_keys: &mut HashSet<Key>,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO readings (district, device, seq, idx, kind, target, at, received_at, \
         occupied, entered, exited, kwh) VALUES {} ON CONFLICT DO NOTHING \
         RETURNING district, device, seq, idx",
        placeholders(backend, chunk.len(), 12)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for r in chunk {
        let (occupied, entered, exited, kwh) = r.value.columns();
        query = query
            .bind(r.district.clone())
            .bind(r.device.clone())
            .bind(r.seq)
            .bind(r.idx)
            .bind(r.value.kind())
            .bind(r.target.clone())
            .bind(r.at)
            .bind(r.received_at)
            .bind(occupied)
            .bind(entered)
            .bind(exited)
            .bind(kwh);
    }
    for row in query.fetch_all(&mut **tx).await? {
        new_keys.insert((row.get(0), row.get(1), row.get(2), row.get(3)));
    }
    Ok(())
}

type RollupRow<'a> = ((&'a str, &'static str, i64, &'static str, &'a str), Rollup);

async fn upsert_rollups(
    tx: &mut Tx,
    backend: Backend,
    chunk: &[RollupRow<'_>],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO reading_rollups (district, bucket, start_at, kind, target, readings, \
         entered, exited, kwh) VALUES {} \
         ON CONFLICT (district, bucket, start_at, kind, target) DO UPDATE SET \
         readings = reading_rollups.readings + excluded.readings, \
         entered = reading_rollups.entered + excluded.entered, \
         exited = reading_rollups.exited + excluded.exited, \
         kwh = reading_rollups.kwh + excluded.kwh",
        placeholders(backend, chunk.len(), 9)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for ((district, bucket, start, kind, target), sum) in chunk {
        query = query
            .bind(district.to_string())
            .bind(*bucket)
            .bind(*start)
            .bind(*kind)
            .bind(target.to_string())
            .bind(sum.readings)
            .bind(sum.entered)
            .bind(sum.exited)
            .bind(sum.kwh);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

async fn upsert_spaces(
    tx: &mut Tx,
    backend: Backend,
    chunk: &[&NewReading],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO space_state (district, space, car_park, occupied, at) VALUES {} \
         ON CONFLICT (district, space) DO UPDATE SET car_park = excluded.car_park, \
         occupied = excluded.occupied, at = excluded.at \
         WHERE excluded.at >= space_state.at",
        placeholders(backend, chunk.len(), 5)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for r in chunk {
        let occupied = matches!(r.value, ReadingValue::Space(true));
        query = query
            .bind(r.district.clone())
            .bind(r.target.clone())
            .bind(r.car_park.clone().unwrap_or_default())
            .bind(i64::from(occupied))
            .bind(r.at);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Backend, placeholders, statement_chunks};

    #[test]
    fn batches_are_cut_into_a_few_fixed_statement_sizes() {
        let rows: Vec<u32> = (0..343).collect();
        let sizes: Vec<usize> = statement_chunks(&rows).map(<[u32]>::len).collect();
        assert_eq!(sizes, vec![256, 64, 16, 4, 1, 1, 1]);
        let again: Vec<u32> = statement_chunks(&rows).flatten().copied().collect();
        assert_eq!(again, rows, "every row once, in order");
        assert_eq!(statement_chunks::<u32>(&[]).count(), 0);
    }

    #[test]
    fn placeholders_number_every_row_in_order() {
        assert_eq!(
            placeholders(Backend::Postgres, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
