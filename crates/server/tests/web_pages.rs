//! The dashboard end to end over HTTP: the real app on 127.0.0.1 over a demo database
//! on disk. Every page answers with its key content; the forms write and the pages show
//! what was written; unknown things are 404 pages and bad periods 400 pages.

#[path = "api_common/mod.rs"]
mod api_common;

use api_common::{Server, client, seed_demo, start};

/// GET `path`: status and HTML.
async fn page(s: &Server, path: &str) -> (u16, String) {
    let r = client().get(s.url(path)).send().await.unwrap();
    // minijinja escapes `/` in attribute values; undo that so tests can read links.
    let status = r.status().as_u16();
    let html = r.text().await.unwrap().replace("&#x2f;", "/");
    (status, html)
}

/// A loopback client that returns redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POST a form without following the redirect: status and `Location`.
async fn post(s: &Server, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let c = no_redirects();
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let r = c
        .post(s.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.status().as_u16(), loc)
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The first `href` starting with `prefix` in `html`.
fn first_link(html: &str, prefix: &str) -> String {
    let at = html
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix}"));
    let rest = &html[at + 6..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

fn assert_accessible_shell(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<main id=\"main\""));
    assert!(html.contains("<nav aria-label=\"Main\">"));
    assert!(html.contains("<h1"));
    assert!(!html.contains("violation"), "neutral words only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_answers_and_forms_write_through() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;

    // Overview: figures, charts with text alternatives, links to goals.
    let (st, home) = page(&s, "/").await;
    assert_eq!(st, 200, "{home}");
    assert_accessible_shell(&home);
    for want in [
        "Aligned to a goal",
        "Off plan",
        "Week by week",
        "Shifts worth a look",
        "Biggest themes off plan",
        "role=\"img\"",
        "Show as a table",
    ] {
        assert!(home.contains(want), "overview lacks {want}");
    }
    // The headline share as the engine's probabilities put it, with its range.
    assert!(
        home.contains("class=\"muted expected\"") && home.contains("(between "),
        "{home}"
    );
    // How fresh the data is: the demo's last file was Linear's CSV.
    assert!(home.contains("Last import: "), "{home}");
    assert!(home.contains("(linear-csv)"), "{home}");
    let (st, q3) = page(&s, "/?period=2026-Q3").await;
    assert_eq!(st, 200);
    assert!(q3.contains("in 2026-Q3"), "{q3}");

    // A goal: metrics against target, initiatives, linked work, notes.
    let goal = first_link(&q3, "/goals/");
    let (st, g) = page(&s, &goal).await;
    assert_eq!(st, 200, "{goal}: {g}");
    assert_accessible_shell(&g);
    for want in [
        "Key results",
        "Initiatives",
        "Inferred by the sense engine",
        "Context notes",
    ] {
        assert!(g.contains(want), "goal page lacks {want}");
    }
    // Launches say how their key result moved since (the demo measures weekly).
    assert!(
        g.contains(": launched 2026-") && g.contains("; since then "),
        "{goal}: {g}"
    );

    // A unit that is a word stands apart from its number, as in the brief.
    let (st, ent) = page(&s, "/goals/enterprise-ready").await;
    assert_eq!(st, 200);
    assert!(
        ent.contains("Baseline 74.0 days, target 60.0 days"),
        "{ent}"
    );

    // Off plan: reasons, themes and examples.
    let (st, off) = page(&s, "/off-plan?period=2026-Q3").await;
    assert_eq!(st, 200);
    assert_accessible_shell(&off);
    assert!(off.contains("Why") && off.contains("/items/"));

    // The brief and the Ask box.
    let (st, brief) = page(&s, "/brief?period=2026-Q3").await;
    assert_eq!(st, 200);
    assert!(brief.contains("class=\"brief\"") && brief.contains("<h2"));
    assert!(
        !brief.contains("<body>\n<h1>"),
        "the brief's own shell is not nested"
    );
    let (st, ask) = page(&s, "/ask?q=why+is+work+off+plan").await;
    assert_eq!(st, 200);
    assert!(ask.contains("Answer"));
    let (st, _) = page(&s, "/ask").await;
    assert_eq!(st, 200);

    // The stylesheet is embedded and cacheable.
    let r = client().get(s.url("/static/app.css")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );

    // An item: facts (the only place an assignee shows), link, forms with labels.
    let item = first_link(&off, "/items/");
    let (st, it) = page(&s, &item).await;
    assert_eq!(st, 200, "{item}: {it}");
    assert_accessible_shell(&it);
    for want in [
        "Where it is linked, and why",
        "<label for=\"target\">",
        "<label for=\"note-text\">",
        "Assignee",
    ] {
        assert!(it.contains(want), "item page lacks {want}");
    }
    assert!(!home.contains("Assignee") && !g.contains("Assignee"));
    // An item the engine was torn about lists its best candidates, to pick from.
    let (_, unclear) = page(&s, "/items?unclear=true").await;
    let (_, torn) = page(&s, &first_link(&unclear, "/items/")).await;
    assert!(
        torn.contains("The engine's best candidates") && torn.contains("<ol class=\"candidates\">"),
        "{torn}"
    );

    // Correct the link: post/redirect/get, and the item page says so.
    let (st, loc) = post(
        &s,
        &format!("{item}/link"),
        &[
            ("target", "off_plan:exploration"),
            ("reason", "a spike, really"),
            ("team", "Payments"),
        ],
    )
    .await;
    assert_eq!(st, 303);
    assert!(
        loc.starts_with(&item) && loc.contains("saved=linked"),
        "{loc}"
    );
    let (_, it) = page(&s, &loc).await;
    assert!(it.contains("off plan: exploration / research"), "{it}");
    assert!(it.contains("set by a person") && it.contains("a spike, really"));
    assert!(it.contains("role=\"status\""));

    // Add a note: shown with the team, never a name.
    let (st, loc) = post(
        &s,
        &format!("{item}/notes"),
        &[
            ("kind", "why"),
            ("text", "We needed to learn the new API first."),
            ("team", "Payments"),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (_, it) = page(&s, &loc).await;
    assert!(it.contains("We needed to learn the new API first."));

    // The overview recomputes after the write (a new snapshot, not a stale memo).
    let (_, q3_after) = page(&s, "/?period=2026-Q3").await;
    assert_ne!(q3, q3_after, "the overview reflects the correction");

    // Bad input is a calm page with the right status, never a panic.
    let (st, _) = post(
        &s,
        &format!("{item}/link"),
        &[("target", "goal:no-such-goal")],
    )
    .await;
    assert_eq!(
        st, 303,
        "an unknown target goes back to the form with a message"
    );
    let (st, _) = post(
        &s,
        &format!("{item}/notes"),
        &[("kind", "why"), ("text", "  ")],
    )
    .await;
    assert_eq!(st, 303);
    let (st, body) = page(&s, "/goals/no-such-goal").await;
    assert_eq!(st, 404);
    assert!(body.contains("Not found") && body.contains("<main"));
    let (st, _) = page(&s, "/items/jira/NOPE-1").await;
    assert_eq!(st, 404);
    let (st, _) = post(
        &s,
        "/items/jira/NOPE-1/notes",
        &[("kind", "why"), ("text", "x")],
    )
    .await;
    assert_eq!(st, 404);
    let (st, _) = page(&s, "/no/such/page").await;
    assert_eq!(st, 404);
    for bad in [
        "/?period=2026-Q9",
        "/brief?period=soon",
        "/off-plan?period=x",
        &format!("{goal}?period=2026-13"),
    ] {
        let (st, body) = page(&s, bad).await;
        assert_eq!(st, 400, "{bad}");
        assert!(body.contains("is not a period"));
    }

    // A form posted from another site is refused (the browser sends its cookies).
    let r = client()
        .post(s.url(&format!("{item}/confirm")))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auth_pages_ask_for_a_token_and_forms_need_a_contributor() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 300);
    let s = start(&db, true).await;
    let c = no_redirects();
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in")
    );
    let (st, signin) = page(&s, "/sign-in").await;
    assert_eq!(st, 200);
    assert!(signin.contains("<label for=\"token\">"));
    let r = c
        .post(s.url("/items/jira/X-1/notes"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("kind=why&text=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A wrong token goes back to the form, with no cookie set.
    let r = c
        .post(s.url("/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("token=wrong&next=%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers().get("set-cookie").is_none());
}

/// The number in the first `<strong>` of a page (the items page's total).
fn strong_number(html: &str) -> usize {
    let at = html.find("<strong>").expect("a <strong> total") + "<strong>".len();
    let rest = &html[at..];
    rest[..rest.find("</strong>").unwrap()]
        .replace(',', "")
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_count_drills_into_the_items_behind_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;
    let (_, status) = api_common::get(&s, "/api/status?period=2026-Q3&keys=false").await;
    let (st, home) = page(&s, "/?period=2026-Q3").await;
    assert_eq!(st, 200);

    // Off plan, from the overview's figure to the list: the same number.
    let off = first_link(&home, "/items?off_plan=any");
    let (st, list) = page(&s, &off).await;
    assert_eq!(st, 200, "{off}: {list}");
    assert_accessible_shell(&list);
    assert_eq!(
        strong_number(&list),
        status["off_plan"]["items"].as_u64().unwrap() as usize
    );
    assert!(
        list.contains("off plan, active in 2026-Q3"),
        "described in words"
    );
    assert!(
        !list.contains("confirm an answer here"),
        "only the review queue says so"
    );

    // A goal's count, and its pages of 50.
    let goal_list = first_link(&home, "/items?goal=");
    let (_, list) = page(&s, &goal_list).await;
    let goal_id = goal_list
        .split("goal=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let want = status["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == goal_id)
        .unwrap()["work"]["items"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(strong_number(&list), want);
    let rows = list.matches("<tr><th scope=\"row\"").count();
    assert_eq!(rows, want.min(50));
    assert!(want > 50, "the demo goal has more than a page of work");
    // The "Next" link: the last href before `rel="next"`.
    let before_next = &list[..list.find("rel=\"next\"").expect("a next page")];
    let at = before_next.rfind("href=\"").unwrap() + 6;
    let href = before_next[at..before_next[at..].find('"').unwrap() + at].replace("&amp;", "&");
    let (st, second) = page(&s, &href).await;
    assert_eq!(st, 200, "{href}");
    assert!(second.contains("Page 2 of"), "{href}");
    assert_eq!(
        second.matches("<tr><th scope=\"row\"").count(),
        (want - 50).min(50)
    );

    // The review queue: the engine's links, least sure first, on every page.
    let review = first_link(&home, "/items?origin=inferred&amp;sort=confidence");
    let (st, list) = page(&s, &review).await;
    assert_eq!(st, 200, "{review}");
    assert!(list.contains("least sure first"), "described in words");
    assert!(list.contains("confirm an answer here when it is right"));
    let (_, sorted) = api_common::get(
        &s,
        "/api/items?period=2026-Q3&origin=inferred&sort=confidence&limit=1000",
    )
    .await;
    let (_, stored) =
        api_common::get(&s, "/api/items?period=2026-Q3&origin=inferred&limit=1000").await;
    assert_eq!(
        strong_number(&list),
        sorted["total"].as_u64().unwrap() as usize
    );
    assert_eq!(sorted["total"], stored["total"]);
    let conf = |v: &serde_json::Value| -> Vec<f64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["link"]["confidence"].as_f64().unwrap())
            .collect()
    };
    let (c_sorted, c_stored) = (conf(&sorted), conf(&stored));
    assert!(c_sorted.len() > 50, "more than a page to review");
    assert!(c_sorted.windows(2).all(|w| w[0] <= w[1]), "{c_sorted:?}");
    assert_ne!(c_sorted, c_stored, "stored order is not already sorted");
    let before_next = &list[..list.find("rel=\"next\"").expect("a next page")];
    let at = before_next.rfind("href=\"").unwrap() + 6;
    let next = before_next[at..before_next[at..].find('"').unwrap() + at].replace("&amp;", "&");
    assert!(next.contains("sort=confidence"), "{next}");
    // Each answer the engine gave can be confirmed from its row, and the queue comes back.
    let answered: Vec<&serde_json::Value> = sorted["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(50)
        .filter(|r| r["link"]["target"]["kind"] != "unclear")
        .take(2)
        .collect();
    let path = |r: &serde_json::Value| {
        format!(
            "/items/{}/{}/confirm",
            r["source"].as_str().unwrap(),
            r["key"].as_str().unwrap()
        )
    };
    assert!(list.contains(&format!("action=\"{}\"", path(answered[0]))));
    // "Unclear" has nothing to confirm: only the way to the item page, to place it.
    let rows = sorted["items"].as_array().unwrap();
    let at = rows
        .iter()
        .position(|r| r["link"]["target"]["kind"] == "unclear")
        .expect("an unclear answer in the queue");
    let (unclear, on) = (&rows[at], at / 50 + 1);
    let (_, its_page) = page(&s, &format!("{review}&page={on}")).await;
    assert!(its_page.contains(&format!(
        "aria-label=\"Correct {}\"",
        unclear["key"].as_str().unwrap()
    )));
    assert!(!its_page.contains(&format!("action=\"{}\"", path(unclear))));
    let (st, loc) = post(&s, &path(answered[0]), &[("back", &review)]).await;
    assert_eq!(st, 303);
    let key = answered[0]["key"].as_str().unwrap();
    assert_eq!(loc, format!("{review}&confirmed={key}#queue"));
    let (_, back) = page(&s, loc.trim_end_matches("#queue")).await;
    assert!(back.contains(&format!("Confirmed {key}")), "{back}");
    // An address naming no item says nothing of a confirmation.
    let (st, forged) = page(&s, &format!("{review}&confirmed=NOPE-0")).await;
    assert_eq!(st, 200);
    assert!(!forged.contains("Confirmed NOPE-0"), "{forged}");
    let (_, it) = page(&s, &path(answered[0]).replace("/confirm", "")).await;
    assert!(it.contains("set by a person"), "the confirmation is stored");
    // A form may only send the browser back to one of the dashboard's lists.
    let (st, loc) = post(
        &s,
        &path(answered[1]),
        &[("back", "https://evil.example/items?")],
    )
    .await;
    assert_eq!(st, 303);
    assert!(
        loc.starts_with("/items/") && loc.contains("saved=confirmed"),
        "{loc}"
    );
    // Filters by tracker facts narrow the same list: every bug is a bug.
    let (_, bugs) = api_common::get(&s, "/api/items?type=bug&limit=1000").await;
    let n_bugs = bugs["total"].as_u64().unwrap();
    assert!(n_bugs > 0);
    assert!(
        bugs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["item_type"].as_str().unwrap().eq_ignore_ascii_case("bug"))
    );
    let (_, list) = page(&s, "/items?type=bug").await;
    assert_eq!(strong_number(&list), n_bugs as usize);

    // A goal the strategy does not have is a name of nothing, as in the API: a 404 page.
    let (st, html) = page(&s, "/items?goal=no-such-goal").await;
    assert_eq!(st, 404, "{html}");
    assert!(html.contains("no-such-goal"), "{html}");
    // Bad filters are calm 400 pages.
    for bad in [
        "/items?off_plan=whatever",
        "/items?unclear=maybe",
        "/items?period=someday",
        "/items?sort=sideways",
        "/items?below=2",
    ] {
        let (st, html) = page(&s, bad).await;
        assert_eq!(st, 400, "{bad}: {html}");
        assert!(html.contains("<main"), "{bad}");
    }
}

/// Every count link of a page (`<a ... class="...count...">`): its address and the
/// number it shows (the last number in its text: a chart's bar reads "12%  ·  34").
fn count_links(html: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        let close = rest.find("</a>").unwrap();
        let inner = &rest[tag_end + 1..close];
        rest = &rest[close..];
        let is_count = tag
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .is_some_and(|c| c.split(' ').any(|w| w == "count"));
        if !is_count {
            continue;
        }
        let href = tag
            .split("href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let text = strip_tags(inner);
        let number = text
            .split(|c: char| !c.is_ascii_digit() && c != ',')
            .rfind(|w| w.chars().any(|c| c.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no number in the count link {tag}>{inner}"));
        out.push((
            href.replace("&amp;", "&"),
            number.replace(',', "").parse().unwrap(),
        ));
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The text of a page's `<main>` outside links and charts, where no count of items may
/// stand: every one links to its items. People's words are left out: item titles (every
/// block naming an item links to its page) and quoted notes.
fn unlinked_counts(html: &str) -> Vec<String> {
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    let mut blocks = vec![String::new()];
    let mut rest = main;
    while !rest.is_empty() {
        let cut = [
            "<li",
            "<tr",
            "<p",
            "<h2",
            "<h3",
            "<dt",
            "<dd",
            "<blockquote",
            "</blockquote",
        ]
        .iter()
        .filter_map(|b| rest[1..].find(b).map(|i| i + 1))
        .min()
        .unwrap_or(rest.len());
        blocks.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    let mut found = Vec::new();
    for block in blocks {
        if block.contains("href=\"/items/") || block.starts_with("<blockquote") {
            continue;
        }
        // Cut out every link and chart; what is left is plain text and table cells.
        let mut text = String::new();
        let mut rest = block.as_str();
        loop {
            let next = [rest.find("<a "), rest.find("<svg")]
                .into_iter()
                .flatten()
                .min();
            let Some(at) = next else {
                text.push_str(rest);
                break;
            };
            text.push_str(&rest[..at]);
            let end = if rest[at..].starts_with("<a ") {
                "</a>"
            } else {
                "</svg>"
            };
            let Some(close) = rest[at..].find(end) else {
                break;
            };
            rest = &rest[at + close + end.len()..];
            text.push_str("<x>");
        }
        // "12 items", "1 item", and numbers alone in a table's number cell.
        let plain = strip_tags(&text);
        let words: Vec<&str> = plain.split_whitespace().collect();
        for (i, w) in words.windows(2).enumerate() {
            let n = w[0].trim_start_matches('(');
            if !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit() || c == ',')
                && w[1].starts_with("item")
            {
                found.push(words[i.saturating_sub(6)..i + 2].join(" "));
            }
        }
        let mut cells = text.as_str();
        while let Some(at) = cells.find("<td class=\"num\">") {
            cells = &cells[at + 17..];
            let cell = strip_tags(&cells[..cells.find("</td>").unwrap_or(cells.len())]);
            let cell = cell.trim();
            if !cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit() || c == ',') {
                found.push(format!("cell {cell}"));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_number_on_the_dashboard_lists_exactly_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;
    let (_, home) = page(&s, "/?period=2026-Q3").await;
    let goal = first_link(&home, "/goals/");
    let mut followed = 0;
    for path in [
        "/?period=2026-Q3".to_string(),
        "/?period=2026".to_string(),
        "/?period=all".to_string(),
        "/".to_string(),
        goal.clone(),
        format!("{}?period=all", goal.split('?').next().unwrap()),
        "/off-plan?period=2026-Q3".to_string(),
        "/off-plan?period=all".to_string(),
    ] {
        let (st, html) = page(&s, &path).await;
        assert_eq!(st, 200, "{path}: {html}");
        assert_eq!(
            unlinked_counts(&html),
            Vec::<String>::new(),
            "{path}: counts without a link"
        );
        let links = count_links(&html);
        assert!(links.len() > 5, "{path}: {} count links", links.len());
        let mut seen = std::collections::HashMap::new();
        for (href, n) in links {
            assert!(
                href.starts_with("/items") || href.starts_with("/shifts/"),
                "{path}: {href}"
            );
            if let Some(&before) = seen.get(&href) {
                assert_eq!(before, n, "{path}: {href} shows two numbers");
                continue;
            }
            let (st, list) = page(&s, &href).await;
            assert_eq!(st, 200, "{path} -> {href}: {list}");
            assert_eq!(strong_number(&list), n, "{path} -> {href}");
            let rows = list.matches("<tr><th scope=\"row\"").count();
            assert_eq!(rows, n.min(50), "{path} -> {href}: rows on the first page");
            seen.insert(href, n);
            followed += 1;
        }
    }
    assert!(followed > 100, "{followed} distinct lists");

    // The weeks of the overview link to the work created in them, and add up to the
    // period's work less what was created before it.
    assert!(
        home.contains("created=2026-W27&amp;period=2026-Q3"),
        "{home}"
    );
    // An empty parameter is the parameter left out, never a 400.
    let (st, all_q3) = page(&s, "/items?period=2026-Q3").await;
    assert_eq!(st, 200);
    for same in [
        "/items?off_plan=&period=2026-Q3",
        "/items?off_plan=&class=&origin=&created=&theme=&unclear=&unlinked=&below=&sort=&page=&period=2026-Q3",
    ] {
        let (st, list) = page(&s, same).await;
        assert_eq!(st, 200, "{same}: {list}");
        assert_eq!(strong_number(&list), strong_number(&all_q3), "{same}");
    }
    let (code, body) =
        api_common::get(&s, "/api/items?off_plan=&below=&limit=&offset=&period=").await;
    assert_eq!(code, 200, "{body}");
    let (_, everything) = api_common::get(&s, "/api/items?limit=1").await;
    assert_eq!(body["total"], everything["total"]);
    // `all` is all time, on every page and in the API.
    for all in [
        "/?period=all",
        "/off-plan?period=all",
        "/brief?period=all",
        &format!("{}?period=all", goal.split('?').next().unwrap()),
    ] {
        let (st, html) = page(&s, all).await;
        assert_eq!(st, 200, "{all}: {html}");
    }
    let (code, _) = api_common::get(&s, "/api/status?period=all&keys=false").await;
    assert_eq!(code, 200);
    let (_, all_items) = page(&s, "/items?period=all").await;
    assert_eq!(
        strong_number(&all_items),
        everything["total"].as_u64().unwrap() as usize
    );
    // The picker offers years and all time beside the quarters.
    assert!(
        home.contains("<option value=\"2026\">2026</option>"),
        "{home}"
    );
    assert!(
        home.contains("<option value=\"all\">All time</option>"),
        "{home}"
    );
    let (_, all_home) = page(&s, "/?period=all").await;
    assert!(all_home.contains("<option value=\"all\" selected>All time</option>"));
    assert!(all_home.contains("over all time"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brief_links_long_evidence_to_its_own_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;
    let (st, brief) = page(&s, "/brief?period=2026-Q3").await;
    assert_eq!(st, 200);
    // "… <a href="/brief/evidence/ID?period=2026-Q3">all N items</a>"
    let href = first_link(&brief, "/brief/evidence/");
    let after = &brief[brief
        .find(&format!("href=\"{}", href.replace('&', "&amp;")))
        .unwrap()..];
    let n: usize = after[after.find(">all ").unwrap() + 5..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 40, "only lists longer than 40 keys are shortened");
    let (st, list) = page(&s, &href).await;
    assert_eq!(st, 200, "{href}: {list}");
    assert_accessible_shell(&list);
    assert_eq!(
        strong_number(&list),
        n,
        "the list holds every item of the number"
    );
    assert!(list.contains("in the brief for 2026-Q3"));
    let (st, _) = page(&s, "/brief/evidence/no-such-thing?period=2026-Q3").await;
    assert_eq!(st, 404);
    let (st, _) = page(&s, "/brief/evidence/evidence-1?period=someday").await;
    assert_eq!(st, 400);
}

/// POST a reviewed file to the review queue's upload form without following the
/// redirect: status, `Location` and page.
async fn upload(s: &Server, name: &str, text: &str, back: &str) -> (u16, String, String) {
    let c = no_redirects();
    let file = reqwest::multipart::Part::text(text.to_string()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new()
        .text("back", back.to_string())
        .text("team", "Payments")
        .part("file", file);
    let r = c
        .post(s.url("/items/review"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, loc, r.text().await.unwrap().replace("&#x2f;", "/"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewed_list_uploads_from_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 300);
    let s = start(&db, false).await;
    let queue = "/items?origin=inferred&sort=confidence";
    let (st, html) = page(&s, queue).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("action=\"/items/review\" enctype=\"multipart/form-data\""),
        "{html}"
    );
    assert!(html.contains("<input type=\"hidden\" name=\"back\" value=\"/items?origin=inferred&amp;sort=confidence&amp;page=1\">"), "{html}");
    let back = "/items?origin=inferred&sort=confidence&page=1";
    let (_, items) = api_common::get(&s, "/api/items?origin=inferred&sort=confidence").await;
    let placed: Vec<&serde_json::Value> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["link"]["target"]["kind"] != "unclear")
        .take(2)
        .collect();
    let (a, b) = (
        placed[0]["key"].as_str().unwrap(),
        placed[1]["key"].as_str().unwrap(),
    );

    // A bad row: a page naming the file, the line and the target, the way back to the
    // list, and nothing stored.
    let bad = format!("key,decision\n{a},confirm\n{b},initiative:nowhere\n");
    let (st, _, html) = upload(&s, "C:\\Users\\me\\my review.csv", &bad, back).await;
    assert_eq!(st, 422, "{html}");
    assert!(html.contains("my review.csv line 3"), "{html}");
    assert!(html.contains("nowhere"), "{html}");
    assert!(html.contains("Nothing in it was stored"), "{html}");
    assert!(
        html.contains(&format!("href=\"{}\"", back.replace('&', "&amp;"))),
        "{html}"
    );
    let corrected =
        || async { api_common::get(&s, "/api/items?origin=corrected").await.1["total"].clone() };
    assert_eq!(corrected().await, serde_json::json!(0));
    // No file chosen.
    let (st, _, html) = upload(&s, "", "", back).await;
    assert_eq!(st, 422);
    assert!(html.contains("Choose the reviewed file first"), "{html}");

    // A good list: back to the list, which says what was stored.
    let good =
        format!("key,decision,why\n{a},confirm,\n{b},off_plan:tech_debt,a refactor\nX-0,,\n");
    let (st, loc, _) = upload(&s, "review.csv", &good, back).await;
    assert_eq!(st, 303);
    assert_eq!(loc, format!("{back}&reviewed=1.1.1#queue"));
    assert_eq!(corrected().await, serde_json::json!(2));
    let (_, html) = page(&s, &loc).await;
    assert!(
        html.contains("Stored your reviewed list: 1 confirmed, 1 linked where you said, 1 rows"),
        "{html}"
    );
    // An address from elsewhere is not followed; the queue is.
    let (st, loc, _) = upload(&s, "review.csv", &good, "https://example.com/items?x").await;
    assert_eq!(
        (st, loc.as_str()),
        (
            303,
            "/items?origin=inferred&sort=confidence&reviewed=1.1.1#queue"
        )
    );
}

/// What "in the period" means is the reader's choice on the overview, a goal and the
/// off-plan page: every card says it, every link keeps it, and each count still lists
/// exactly its items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meaning_of_the_period_is_chosen_said_and_kept_by_every_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;
    let (_, active) = page(&s, "/?period=2026-Q3").await;
    assert!(active.contains("active in 2026-Q3"), "{active}");
    assert!(
        active.contains("name=\"period_by\""),
        "the control is there"
    );
    let goal = first_link(&active, "/goals/");
    let goal = goal.split('?').next().unwrap();
    let total = |html: &str| {
        count_links(html)
            .into_iter()
            .find(|(h, _)| {
                h == "/items?period=2026-Q3" || h.starts_with("/items?period=2026-Q3&period_by")
            })
            .map(|(_, n)| n)
    };
    let mut totals = Vec::new();
    for by in ["created", "resolved"] {
        for path in [
            format!("/?period=2026-Q3&period_by={by}"),
            format!("{goal}?period=2026-Q3&period_by={by}"),
            format!("/off-plan?period=2026-Q3&period_by={by}"),
        ] {
            let (st, html) = page(&s, &path).await;
            assert_eq!(st, 200, "{path}: {html}");
            assert!(
                html.contains(&format!("{by} in 2026-Q3")),
                "{path}: says what it counts"
            );
            assert!(
                !html.contains("active in 2026-Q3"),
                "{path}: one meaning per page"
            );
            assert!(
                html.contains(&format!("<option value=\"{by}\" selected>")),
                "{path}: the control shows the choice"
            );
            let links = count_links(&html);
            assert!(links.len() > 3, "{path}");
            let mut seen = std::collections::HashSet::new();
            for (href, n) in links {
                if href.contains("period=2026-Q3") {
                    assert!(href.contains(&format!("period_by={by}")), "{path}: {href}");
                }
                if !href.starts_with("/items") || !seen.insert(href.clone()) {
                    continue;
                }
                let (st, list) = page(&s, &href).await;
                assert_eq!(st, 200, "{path} -> {href}: {list}");
                assert_eq!(strong_number(&list), n, "{path} -> {href}");
            }
            // Links to the other pages keep the choice too.
            assert!(
                html.contains(&format!("period=2026-Q3&amp;period_by={by}\"")),
                "{path}"
            );
        }
        let (_, home) = page(&s, &format!("/?period=2026-Q3&period_by={by}")).await;
        totals.push(total(&home).expect("the work items count"));
    }
    let active_total = total(&active).expect("the work items count");
    assert!(
        totals.iter().all(|&t| t < active_total),
        "created or resolved in the quarter is less than active in it: {totals:?} vs {active_total}"
    );
    let (st, html) = page(&s, "/?period=2026-Q3&period_by=someday").await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("active, created or resolved"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brief_counts_the_work_the_control_picks_and_its_evidence_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 1500);
    let s = start(&db, false).await;
    // The brief's first figure is the work in the period, linked to its whole list.
    let total = |html: &str| -> (String, usize) {
        let href = first_link(html, "/brief/evidence/evidence-1");
        let list = href.replace('&', "&amp;");
        let after = &html[html.find(&format!("href=\"{list}\"")).unwrap()..];
        // "… <a href="/brief/evidence/evidence-1?…">all N items</a>"
        let n = after[after.find(">all ").unwrap() + 5..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        (href, n)
    };
    let (st, active) = page(&s, "/brief?period=2026-Q3").await;
    assert_eq!(st, 200);
    assert!(
        active.contains("name=\"period_by\""),
        "the control is there"
    );
    let (_, active_n) = total(&active);
    let (st, created) = page(&s, "/brief?period=2026-Q3&period_by=created").await;
    assert_eq!(st, 200, "{created}");
    assert!(
        created.contains("created in 2026-Q3"),
        "says what it counts"
    );
    assert!(
        !created.contains("active in 2026-Q3"),
        "one meaning per page"
    );
    assert!(created.contains("<option value=\"created\" selected>"));
    let (href, created_n) = total(&created);
    assert!(
        href.contains("period_by=created"),
        "the evidence keeps the meaning: {href}"
    );
    assert!(
        created_n < active_n,
        "created in the quarter ({created_n}) is less than active in it ({active_n})"
    );
    let (st, list) = page(&s, &href).await;
    assert_eq!(st, 200, "{href}: {list}");
    assert_eq!(strong_number(&list), created_n, "{href}");
    let (st, _) = page(
        &s,
        "/brief/evidence/evidence-1?period=2026-Q3&period_by=someday",
    )
    .await;
    assert_eq!(st, 400);
}

/// A page as the holder of `token` sees it (the dashboard's token cookie).
async fn page_as(s: &Server, token: &str, path: &str) -> (u16, String) {
    let r = client()
        .get(s.url(path))
        .header("cookie", format!("throughline_token={token}"))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap().replace("&#x2f;", "/"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_see_no_forms_they_could_not_send() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 300);
    let (viewer, contributor) = {
        let mut store = throughline_store::Store::open(&db).unwrap();
        let mut token = |role| store.create_token(role, None, None).unwrap().secret;
        (
            token(throughline_store::Role::Viewer),
            token(throughline_store::Role::Contributor),
        )
    };
    let s = start(&db, true).await;
    let items = client()
        .get(s.url("/api/items?origin=inferred&limit=1"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let (_, items) = api_common::body(items).await;
    let (source, key) = (
        items["items"][0]["source"].as_str().unwrap(),
        items["items"][0]["key"].as_str().unwrap(),
    );
    let item = format!("/items/{source}/{key}");
    let queue = "/items?origin=inferred&sort=confidence";
    let forms = [
        "id=\"correct\"",
        "id=\"add-note\"",
        "/confirm\"",
        "action=\"/items/review\"",
    ];
    let read_only = "Viewers can read; ask for contributor access to correct links or add notes.";

    // A viewer: the item and the review queue without a form, and a line saying why.
    let (st, html) = page_as(&s, &viewer, &item).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains(key), "the item itself is shown");
    assert!(html.contains(read_only), "{html}");
    let (st, list) = page_as(&s, &viewer, queue).await;
    assert_eq!(st, 200);
    assert!(list.contains(read_only), "{list}");
    for form in forms {
        assert!(!html.contains(form), "a viewer sees {form} on the item");
        assert!(!list.contains(form), "a viewer sees {form} in the queue");
    }
    assert!(!html.contains("method=\"post\"") && !list.contains("method=\"post\""));

    // A contributor, the same pages just after (the queue is a shared, cached page): every
    // form, and no read-only line.
    let (_, html) = page_as(&s, &contributor, &item).await;
    let (_, list) = page_as(&s, &contributor, queue).await;
    assert!(html.contains("id=\"correct\"") && html.contains("id=\"add-note\""));
    assert!(list.contains("/confirm\"") && list.contains("action=\"/items/review\""));
    assert!(!html.contains(read_only) && !list.contains(read_only));
    // And the viewer still gets the viewer's copy.
    let (_, list) = page_as(&s, &viewer, queue).await;
    assert!(!list.contains("action=\"/items/review\""), "{list}");
    // Signed in with a token, nobody is "signed in as" anyone: there is no session to end.
    assert!(!html.contains("Sign out") && !list.contains("Sign out"));

    // The person at the machine, without --auth, keeps every form.
    let local = start(&db, false).await;
    let (_, html) = page(&local, &item).await;
    assert!(html.contains("id=\"correct\"") && html.contains("id=\"add-note\""));
    assert!(!html.contains(read_only));
}
