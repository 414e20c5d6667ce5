//! The control centre's pages: plain HTML shells rendered here, filled
//! and kept live by the embedded scripts (`host/assets/control/`), which
//! read the JSON APIs and the server-sent update stream. No build step,
//! nothing loaded from elsewhere: every asset is compiled into the
//! binary.

use crate::admin::{Principal, Role};

/// An embedded asset: its content type and bytes.
pub struct Asset {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The file.
    pub body: &'static str,
}

/// The embedded asset called `name`, if any.
pub fn asset(name: &str) -> Option<Asset> {
    let (content_type, body) = match name {
        "control.css" => (
            "text/css; charset=utf-8",
            include_str!("../../assets/control/control.css"),
        ),
        "control.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../../assets/control/control.js"),
        ),
        "charts.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../../assets/control/charts.js"),
        ),
        "city.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../../assets/control/city.js"),
        ),
        "district.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../../assets/control/district.js"),
        ),
        _ => return None,
    };
    Some(Asset { content_type, body })
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn who(principal: &Principal) -> String {
    match &principal.role {
        Role::CityAdmin => "city admin".to_owned(),
        Role::DistrictOperator { district } => format!("operator of {district}"),
    }
}

fn shell(title: &str, page: &str, data: &str, header: &str, body: &str) -> String {
    let title = escape(title);
    let script = if page.is_empty() {
        String::new()
    } else {
        format!(
            "<script src=\"/control/assets/control.js\"></script>\
             <script src=\"/control/assets/charts.js\"></script>\
             <script src=\"/control/assets/{page}.js\"></script>"
        )
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Plaza control centre</title>\
         <link rel=\"stylesheet\" href=\"/control/assets/control.css\"></head>\
         <body data-page=\"{page}\" {data}>\
         <header class=\"top\"><a class=\"brand\" href=\"/control/\">Plaza \
         <span>control centre</span></a>{header}</header>\
         <main>{body}</main>{script}</body></html>\n"
    )
}

fn signed_in(principal: &Principal) -> String {
    format!(
        "<div class=\"who\"><span class=\"live\" id=\"live\" title=\"live updates\">\
         connecting</span><span>Signed in as {}</span>\
         <form method=\"post\" action=\"/control/sign-out\">\
         <button type=\"submit\" class=\"ghost\">Sign out</button></form></div>",
        escape(&who(principal))
    )
}

/// The city overview: every district `principal` may watch.
pub fn city_page(principal: &Principal) -> String {
    let body = "<section class=\"intro\"><h1>City overview</h1>\
        <p class=\"muted\" id=\"as-of\">Loading figures…</p></section>\
        <section class=\"totals\" id=\"totals\"></section>\
        <section class=\"cards\" id=\"districts\"></section>\
        <section class=\"panel\"><h2>Open alerts</h2><div id=\"alerts\">\
        <p class=\"muted\">No open alerts.</p></div></section>\
        <section class=\"panel\"><h2>Plugin health</h2><div id=\"health\"></div></section>";
    shell("City overview", "city", "", &signed_in(principal), body)
}

/// One district's page: live figures, charts over time, alerts, plugins.
pub fn district_page(principal: &Principal, district: &str, name: &str) -> String {
    let (id, name) = (escape(district), escape(name));
    let back = match principal.role {
        Role::CityAdmin => "<a href=\"/control/\">← City overview</a>",
        Role::DistrictOperator { .. } => "",
    };
    let body = format!(
        "<section class=\"intro\"><p class=\"crumbs\">{back}</p><h1>{name}</h1>\
         <p class=\"muted\" id=\"as-of\">Loading figures…</p></section>\
         <section class=\"tiles\" id=\"tiles\"></section>\
         <section class=\"panel\"><div class=\"panel-head\"><h2>Over time</h2>\
         <div class=\"range\" id=\"range\" role=\"group\" aria-label=\"time range\">\
         <button data-range=\"hour\">Last hour</button>\
         <button data-range=\"day\" class=\"on\">Last day</button>\
         <button data-range=\"week\">Last week</button>\
         <a id=\"csv\" class=\"ghost\" href=\"#\">CSV</a></div></div>\
         <div class=\"charts\">\
         <figure class=\"chart\" id=\"chart-footfall\"><figcaption>Footfall \
         <span class=\"muted\">people in / out</span></figcaption></figure>\
         <figure class=\"chart\" id=\"chart-vehicles\"><figcaption>Vehicle flow \
         <span class=\"muted\">in / out at the gates</span></figcaption></figure>\
         <figure class=\"chart\" id=\"chart-occupancy\"><figcaption>Parking occupancy \
         <span class=\"muted\">% of sensed spaces</span></figcaption></figure>\
         <figure class=\"chart\" id=\"chart-energy\"><figcaption>Energy \
         <span class=\"muted\">kWh</span></figcaption></figure>\
         </div></section>\
         <section class=\"panel\"><h2>Car parks</h2><div id=\"car-parks\"></div></section>\
         <section class=\"panel\"><h2>Open alerts</h2><div id=\"alerts\">\
         <p class=\"muted\">No open alerts.</p></div></section>\
         <section class=\"panel\"><h2>Plugin health</h2><div id=\"health\"></div></section>"
    );
    shell(
        district,
        "district",
        &format!("data-district=\"{id}\""),
        &signed_in(principal),
        &body,
    )
}

/// The sign-in form, with what went wrong last time, if anything.
pub fn sign_in_page(error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<section class=\"sign-in panel\"><h1>Sign in</h1>\
         <p class=\"muted\">Paste your operator token (from <code>plaza token create</code>). \
         A city admin sees every district; a district operator sees their own.</p>{error}\
         <form method=\"post\" action=\"/control/sign-in\">\
         <label for=\"token\">Token</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" \
         placeholder=\"plaza_…\" required>\
         <button type=\"submit\">Sign in</button></form></section>"
    );
    shell("Sign in", "", "", "", &body)
}

/// Refusal: the operator may not watch this district.
pub fn forbidden_page(principal: &Principal, message: &str) -> String {
    let body = format!(
        "<section class=\"panel refused\"><h1>Not your district</h1>\
         <p>{}</p><p><a href=\"/control/\">Back to your overview</a></p></section>",
        escape(message)
    );
    shell("Forbidden", "", "", &signed_in(principal), &body)
}

/// No such district.
pub fn not_found_page(message: &str) -> String {
    let body = format!(
        "<section class=\"panel refused\"><h1>Not found</h1><p>{}</p>\
         <p><a href=\"/control/\">Back to the overview</a></p></section>",
        escape(message)
    );
    shell("Not found", "", "", "", &body)
}
