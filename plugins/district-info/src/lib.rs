//! District information endpoint: answers `GET /d/{district}/info` with the
//! district's name, opening hours, whether it is open now and the current
//! notice, all taken from the plugin's config in the district's config file.

use plaza_sdk::endpoint::{Handler, Request, Response};
use plaza_sdk::host::{clock, config, log};
use serde::{Deserialize, Serialize};

/// The plugin's config, as set under `[district.plugin.config]`.
#[derive(Deserialize)]
struct InfoConfig {
    name: String,
    #[serde(default)]
    local_name: Option<String>,
    /// "HH:MM-HH:MM" in the district's local time.
    opening_hours: String,
    #[serde(default)]
    notice: Option<String>,
}

#[derive(Serialize)]
struct Info {
    name: String,
    local_name: Option<String>,
    opening_hours: OpeningHours,
    open_now: bool,
    notice: Option<String>,
}

#[derive(Serialize)]
struct OpeningHours {
    opens: String,
    closes: String,
}

struct DistrictInfo;

impl Handler for DistrictInfo {
    fn handle(request: Request) -> Response {
        if request.method != "GET" {
            return Response::error(405, "method_not_allowed", "only GET is served");
        }
        if request.path != "/" && !request.path.is_empty() {
            return Response::error(404, "not_found", "only / is served");
        }
        let cfg: InfoConfig = match config::load() {
            Ok(cfg) => cfg,
            Err(why) => {
                log::error(&why);
                return Response::error(500, "plugin_config", why);
            }
        };
        let Some((opens, closes)) = parse_hours(&cfg.opening_hours) else {
            let why = format!("opening_hours {:?} is not HH:MM-HH:MM", cfg.opening_hours);
            log::error(&why);
            return Response::error(500, "plugin_config", why);
        };
        let now = clock::local_minute_of_day();
        let open_now = if opens <= closes {
            (opens..closes).contains(&now)
        } else {
            // Hours that run past midnight, e.g. 18:00-02:00.
            now >= opens || now < closes
        };
        let (opens_text, closes_text) = cfg.opening_hours.split_once('-').unwrap_or_default();
        Response::json(
            200,
            &Info {
                name: cfg.name,
                local_name: cfg.local_name,
                opening_hours: OpeningHours {
                    opens: opens_text.trim().to_owned(),
                    closes: closes_text.trim().to_owned(),
                },
                open_now,
                notice: cfg.notice,
            },
        )
    }
}

/// "10:00-22:00" → minutes of the day at which the district opens and closes.
fn parse_hours(text: &str) -> Option<(u32, u32)> {
    let (opens, closes) = text.split_once('-')?;
    Some((parse_minute(opens)?, parse_minute(closes)?))
}

fn parse_minute(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

plaza_sdk::http_endpoint!(DistrictInfo);
