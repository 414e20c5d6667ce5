//! Statistics over time, per district and for the city: per bucket
//! (minute, hour or day) people in and out, vehicles in and out, average
//! occupancy, energy and orders. Minute buckets come from the minute
//! rollups, hour and day buckets from the hour rollups; days start at
//! the district's local midnight (the city's at that of its first
//! district). Every bucket in the range is present, zero when nothing
//! happened, so charts and spreadsheets need no gap filling.

use super::{ControlCentre, ControlError, now_ms};
use crate::admin::Principal;
use crate::registry::District;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Most buckets one request may ask for.
pub const MAX_BUCKETS: i64 = 2_000;

/// How wide a bucket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One minute.
    Minute,
    /// One hour.
    #[default]
    Hour,
    /// One local day.
    Day,
}

impl Bucket {
    fn width_ms(self) -> i64 {
        match self {
            Bucket::Minute => 60_000,
            Bucket::Hour => 3_600_000,
            Bucket::Day => 86_400_000,
        }
    }

    /// Which rollups it is summed from.
    fn source(self) -> &'static str {
        match self {
            Bucket::Minute => "minute",
            Bucket::Hour | Bucket::Day => "hour",
        }
    }

    /// The range asked for when none is given.
    fn default_span_ms(self) -> i64 {
        match self {
            Bucket::Minute => 3_600_000,
            Bucket::Hour => 86_400_000,
            Bucket::Day => 7 * 86_400_000,
        }
    }
}

/// Which statistics to compute.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatsQuery {
    /// Bucket width (default `hour`).
    #[serde(default)]
    pub bucket: Bucket,
    /// From this instant (RFC 3339; default: a day, an hour or a week
    /// before `to`, by bucket).
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (RFC 3339; default now).
    pub to: Option<DateTime<Utc>>,
}

/// One bucket's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatsRow {
    /// Start of the bucket (RFC 3339, UTC).
    pub start: String,
    /// Start, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// People who came in.
    pub people_in: i64,
    /// People who went out.
    pub people_out: i64,
    /// Vehicles that came in.
    pub vehicles_in: i64,
    /// Vehicles that went out.
    pub vehicles_out: i64,
    /// Occupied spaces, on average over the bucket's samples.
    pub occupied_spaces: Option<f64>,
    /// Sensed spaces, on average.
    pub sensed_spaces: Option<f64>,
    /// Occupied share, percent.
    pub occupancy_percent: Option<f64>,
    /// kWh used.
    pub energy_kwh: f64,
    /// Orders placed.
    pub orders: i64,
}

/// Statistics of a district or of the city.
#[derive(Debug, Clone, Serialize)]
pub struct StatsTable {
    /// District id, or `city`.
    pub scope: String,
    /// Bucket width.
    pub bucket: Bucket,
    /// First bucket's start, milliseconds since the Unix epoch.
    pub from_ms: i64,
    /// End of the range, milliseconds since the Unix epoch.
    pub to_ms: i64,
    /// Every bucket, oldest first.
    pub rows: Vec<StatsRow>,
}

/// The range and alignment of a query.
struct Span {
    origin: i64,
    width: i64,
    since: i64,
    until: i64,
}

fn span(query: &StatsQuery, utc_offset_minutes: i32) -> Result<Span, ControlError> {
    let width = query.bucket.width_ms();
    let until = query.to.map_or_else(now_ms, |t| t.timestamp_millis());
    let from = query
        .from
        .map_or(until - query.bucket.default_span_ms(), |t| {
            t.timestamp_millis()
        });
    if from >= until {
        return Err(ControlError::InvalidQuery("from must be before to".into()));
    }
    // Days start at local midnight; minutes and hours at the UTC ones.
    let origin = match query.bucket {
        Bucket::Day => -i64::from(utc_offset_minutes) * 60_000,
        _ => 0,
    };
    let since = from - (from - origin).rem_euclid(width);
    let buckets = (until - since + width - 1) / width;
    if buckets > MAX_BUCKETS {
        return Err(ControlError::InvalidQuery(format!(
            "{buckets} buckets asked for; at most {MAX_BUCKETS}: narrow from..to or widen bucket"
        )));
    }
    Ok(Span {
        origin,
        width,
        since,
        until,
    })
}

fn blank_rows(span: &Span) -> BTreeMap<i64, StatsRow> {
    let mut rows = BTreeMap::new();
    let mut start = span.since;
    while start < span.until {
        let at = DateTime::from_timestamp_millis(start).unwrap_or_default();
        rows.insert(
            start,
            StatsRow {
                start: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                start_ms: start,
                ..StatsRow::default()
            },
        );
        start += span.width;
    }
    rows
}

impl ControlCentre {
    /// Statistics of one district.
    pub async fn district_stats(
        &self,
        who: &Principal,
        district: &str,
        query: &StatsQuery,
    ) -> Result<StatsTable, ControlError> {
        let d = self.district(who, district)?;
        let span = span(query, d.utc_offset_minutes)?;
        let mut rows = blank_rows(&span);
        self.add_district(d, query.bucket, &span, &mut rows).await?;
        Ok(table(d.id.clone(), query.bucket, &span, rows))
    }

    /// Statistics summed over every district `who` may watch.
    pub async fn city_stats(
        &self,
        who: &Principal,
        query: &StatsQuery,
    ) -> Result<StatsTable, ControlError> {
        let districts: Vec<&District> = self.visible(who).collect();
        let offset = districts.first().map_or(0, |d| d.utc_offset_minutes);
        let span = span(query, offset)?;
        let mut rows = blank_rows(&span);
        for d in districts {
            self.add_district(d, query.bucket, &span, &mut rows).await?;
        }
        Ok(table("city".into(), query.bucket, &span, rows))
    }

    async fn add_district(
        &self,
        d: &District,
        bucket: Bucket,
        s: &Span,
        rows: &mut BTreeMap<i64, StatsRow>,
    ) -> Result<(), ControlError> {
        let store = self.inner.storage.control();
        let flows = store
            .flows(&d.id, bucket.source(), s.origin, s.width, s.since, s.until)
            .await?;
        for f in flows {
            let Some(row) = rows.get_mut(&f.start) else {
                continue;
            };
            match f.kind.as_str() {
                "people" => {
                    row.people_in += f.entered;
                    row.people_out += f.exited;
                }
                "vehicles" => {
                    row.vehicles_in += f.entered;
                    row.vehicles_out += f.exited;
                }
                "energy" => row.energy_kwh += f.kwh,
                _ => {}
            }
        }
        let occupancy = store
            .occupancy(&d.id, s.origin, s.width, s.since, s.until)
            .await?;
        for o in occupancy {
            if let Some(row) = rows.get_mut(&o.start) {
                *row.occupied_spaces.get_or_insert(0.0) += o.occupied;
                *row.sensed_spaces.get_or_insert(0.0) += o.sensed;
            }
        }
        let orders = store
            .orders_per_bucket(&d.id, s.origin, s.width, s.since, s.until)
            .await?;
        for o in orders {
            if let Some(row) = rows.get_mut(&o.start) {
                row.orders += o.orders;
            }
        }
        Ok(())
    }
}

fn table(scope: String, bucket: Bucket, span: &Span, rows: BTreeMap<i64, StatsRow>) -> StatsTable {
    let rows = rows
        .into_values()
        .map(|mut r| {
            r.occupancy_percent = match (r.occupied_spaces, r.sensed_spaces) {
                (Some(o), Some(s)) if s > 0.0 => Some(round(o * 100.0 / s)),
                _ => None,
            };
            r.occupied_spaces = r.occupied_spaces.map(round);
            r.sensed_spaces = r.sensed_spaces.map(round);
            r.energy_kwh = round(r.energy_kwh);
            r
        })
        .collect();
    StatsTable {
        scope,
        bucket,
        from_ms: span.since,
        to_ms: span.until,
        rows,
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl StatsTable {
    /// The rows as CSV, one header line then one line per bucket.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "scope,bucket_start,people_in,people_out,vehicles_in,vehicles_out,\
             occupied_spaces,sensed_spaces,occupancy_percent,energy_kwh,orders\n",
        );
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        for r in &self.rows {
            // Writing into a String cannot fail.
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                self.scope,
                r.start,
                r.people_in,
                r.people_out,
                r.vehicles_in,
                r.vehicles_out,
                opt(r.occupied_spaces),
                opt(r.sensed_spaces),
                opt(r.occupancy_percent),
                r.energy_kwh,
                r.orders
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_buckets_start_at_local_midnight_and_ranges_are_capped() {
        let query = StatsQuery {
            bucket: Bucket::Day,
            from: DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00")
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            to: DateTime::parse_from_rfc3339("2026-03-04T10:00:00+08:00")
                .ok()
                .map(|t| t.with_timezone(&Utc)),
        };
        let s = span(&query, 480).unwrap();
        let midnight = DateTime::parse_from_rfc3339("2026-03-02T00:00:00+08:00").unwrap();
        assert_eq!(s.since, midnight.timestamp_millis());
        assert_eq!(blank_rows(&s).len(), 3);

        let wide = StatsQuery {
            bucket: Bucket::Minute,
            from: Some(DateTime::from_timestamp_millis(0).unwrap()),
            to: Some(DateTime::from_timestamp_millis(2 * 86_400_000).unwrap()),
        };
        assert!(matches!(span(&wide, 0), Err(ControlError::InvalidQuery(_))));
    }
}
