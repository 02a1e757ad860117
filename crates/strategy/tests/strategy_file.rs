use throughline_strategy::{EXAMPLE, parse};

#[test]
fn the_example_parses_into_the_whole_strategy() {
    let s = parse(EXAMPLE).expect("example is valid");
    assert_eq!(s.goals.len(), 2);
    assert_eq!(s.metrics.len(), 2);
    assert_eq!(s.initiatives.len(), 2);
    let m = s.metric("trial-conversion").unwrap();
    assert_eq!(m.values.len(), 2);
    assert_eq!(m.values[1].value, 3.4);
    assert_eq!(m.target, Some(4.5));
    let i = s.initiative("checkout-v2").unwrap();
    assert_eq!(i.selectors.epics, vec!["PAY-1"]);
    assert_eq!(i.goals, vec!["grow-self-serve"]);
    assert_eq!(
        i.starts.map(|d| d.to_string()).as_deref(),
        Some("2026-07-01")
    );
    assert_eq!(s.initiatives_of("reliable-platform").count(), 1);
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let text = r#"[[goal]]
id = "g1"
title = "One"

[[goal]]
id = "g1"
title = "Again"

[[metric]]
id = "m1"
goal = "nope"
name = "Speed"
baseline = 10
target = 5
direction = "increase"

[[initiative]]
id = "i1"
goals = ["g1", "ghost"]
title = "First"
epics = ["PAY-1"]

[[initiative]]
id = "i2"
goals = ["g1"]
title = "Second"
epics = ["pay-1"]
"#;
    let err = parse(text).unwrap_err();
    let got: Vec<(usize, &str)> = err
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(got.len(), 5, "{got:#?}");
    assert_eq!(got[0].0, 6);
    assert!(
        got[0]
            .1
            .contains("duplicate goal id `g1` (first defined on line 2)")
    );
    assert_eq!(got[1].0, 11);
    assert!(got[1].1.contains("unknown goal `nope`"));
    assert_eq!(got[2].0, 14);
    assert!(got[2].1.contains("wrong side of baseline"));
    assert_eq!(got[3].0, 19);
    assert!(got[3].1.contains("unknown goal `ghost`"));
    assert_eq!(got[4].0, 27);
    assert!(got[4].1.contains("already selected by initiative `i1`"));
    assert!(err.to_string().contains("line 27:"));
}

#[test]
fn syntax_and_shape_errors_name_the_line() {
    let err = parse("[[goal]]\nid = \"g\"\ntitle = \"T\"\nowner = \"x\"\n").unwrap_err();
    assert_eq!(err.problems[0].line, 4, "{err}");
    assert!(err.problems[0].message.contains("owner"), "{err}");

    let err = parse("[[metric]]\nid = \"m\"\ngoal = \"g\"\nname = \"N\"\nbaseline = \"ten\"\n")
        .unwrap_err();
    assert_eq!(err.problems[0].line, 5, "{err}");

    let err = parse("[[goal]]\nid = \"g\"\ntitle = \n").unwrap_err();
    assert_eq!(err.problems[0].line, 3, "{err}");
}

#[test]
fn bad_ids_directions_and_dates_are_refused() {
    let text = r#"[[goal]]
id = "has space"
title = "T"

[[metric]]
id = "m"
goal = "has space"
name = "N"
direction = "sideways"
values = [{ date = "2026-13-01", value = 1.0 }]
"#;
    let err = parse(text).unwrap_err();
    let lines: Vec<usize> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![2, 9, 10], "{err}");
}

#[test]
fn an_empty_file_is_an_empty_strategy() {
    let s = parse("# nothing yet\n").unwrap();
    assert!(s.goals.is_empty() && s.initiatives.is_empty());
}

#[test]
fn an_initiative_has_an_optional_timeframe() {
    let head = "[[goal]]\nid = \"g\"\ntitle = \"T\"\n\n[[initiative]]\nid = \"i\"\ngoals = [\"g\"]\ntitle = \"I\"\n";
    // TOML dates and strings holding one; either end may be open.
    let s = parse(&format!(
        "{head}starts = 2026-07-01\nends = \"2026-09-30\"\n"
    ))
    .unwrap();
    let i = s.initiative("i").unwrap();
    assert_eq!(
        i.starts.map(|d| d.to_string()).as_deref(),
        Some("2026-07-01")
    );
    assert_eq!(i.ends.map(|d| d.to_string()).as_deref(), Some("2026-09-30"));
    let s = parse(&format!("{head}starts = 2026-07-01\n")).unwrap();
    assert_eq!(s.initiative("i").unwrap().ends, None);
    assert_eq!(parse(head).unwrap().initiative("i").unwrap().starts, None);
    // A bad date, and an end before the start, each named on its line.
    let err = parse(&format!("{head}starts = \"July\"\n")).unwrap_err();
    assert_eq!(err.problems[0].line, 9, "{err}");
    assert!(
        err.problems[0].message.contains("`July` is not YYYY-MM-DD"),
        "{err}"
    );
    let err = parse(&format!("{head}starts = 2026-07-01\nends = 2026-06-30\n")).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(err.problems[0].line, 10, "{err}");
    assert!(
        err.problems[0]
            .message
            .contains("`ends` (2026-06-30) is before `starts` (2026-07-01)"),
        "{err}"
    );
}

#[test]
fn the_example_maps_teams() {
    let f = throughline_strategy::parse_file(EXAMPLE).expect("example is valid");
    let names: Vec<&str> = f.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["Payments", "Platform"]);
    assert_eq!(f.teams[0].projects, vec!["PAY"]);
    assert_eq!(f.teams[1].components, vec!["api-gateway"]);
    assert_eq!(f.strategy, parse(EXAMPLE).unwrap());
}

#[test]
fn teams_are_checked_with_their_lines() {
    let text = r#"[[goal]]
id = "g"
title = "G"

[[team]]
name = "Alloy"
projects = ["ALOY"]
components = [" XML "]

[[team]]
name = "Mobile"
components = ["Android", "xml"]

[[team]]
name = "alloy"
projects = ["MOD"]

[[team]]
name = "Nobody"

[[team]]
name = " "
projects = [""]
"#;
    let err = throughline_strategy::parse_file(text).unwrap_err();
    let got: Vec<(usize, &str)> = err
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                12,
                "team `Mobile`: components `xml` is already mapped to team `Alloy`"
            ),
            (15, "duplicate team `alloy` (first defined on line 6)"),
            (
                19,
                "team `Nobody` maps no work: list `projects` or `components`"
            ),
            (22, "team name is empty"),
            (23, "team ``: empty value in `projects`"),
        ]
    );
    // `parse` checks the teams too: a file with a bad team is not a valid strategy.
    assert!(parse(text).is_err());
    // An unknown key is named.
    let err = parse("[[team]]\nname = \"A\"\nlabels = [\"x\"]\n").unwrap_err();
    assert_eq!(err.problems[0].line, 3, "{err}");
    assert!(
        err.problems[0].message.contains("unknown field `labels`"),
        "{err}"
    );
    // Values are kept trimmed.
    let f = throughline_strategy::parse_file(
        "[[team]]\nname = \" Alloy \"\ncomponents = [\" XML \"]\n",
    )
    .unwrap();
    assert_eq!(f.teams[0].name, "Alloy");
    assert_eq!(f.teams[0].components, vec!["XML"]);
}

#[test]
fn area_paths_and_iterations_are_selectors() {
    let text = r#"[[goal]]
id = "g"
title = "Grow"

[[initiative]]
id = "checkout"
goals = ["g"]
title = "Checkout"
area_paths = ['Shop\Checkout', "Shop\\Mobile"]
iterations = ['Shop\2026\Sprint 12']
"#;
    let s = parse(text).expect("valid");
    let sel = &s.initiative("checkout").unwrap().selectors;
    assert_eq!(sel.area_paths, vec!["Shop\\Checkout", "Shop\\Mobile"]);
    assert_eq!(sel.iterations, vec!["Shop\\2026\\Sprint 12"]);
    assert!(!sel.is_empty());
}

#[test]
fn bad_area_paths_and_iterations_are_reported_by_line() {
    let text = r#"[[goal]]
id = "g"
title = "Grow"

[[initiative]]
id = "a"
goals = ["g"]
title = "A"
area_paths = ['Shop\Checkout']
iterations = ['Shop\\Sprint 12']

[[initiative]]
id = "b"
goals = ["g"]
title = "B"
area_paths = ['shop \ checkout\']
iterations = [""]
"#;
    let err = parse(text).unwrap_err();
    let got: Vec<(usize, &str)> = err
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(got[0].0, 10, "{got:#?}");
    assert!(got[0].1.contains("has an empty level"), "{got:#?}");
    // The same area written with other spaces and case is the same area.
    assert_eq!(got[1].0, 16, "{got:#?}");
    assert!(
        got[1].1.contains("already selected by initiative `a`"),
        "{got:#?}"
    );
    assert_eq!(got[2].0, 17, "{got:#?}");
    assert!(got[2].1.contains("empty value in `iterations`"), "{got:#?}");
}

#[test]
fn an_unknown_selector_is_refused_by_line() {
    let text = "[[goal]]\nid = \"g\"\ntitle = \"G\"\n\n[[initiative]]\nid = \"i\"\n\
                goals = [\"g\"]\ntitle = \"I\"\narea_path = ['Shop']\n";
    let err = parse(text).unwrap_err();
    assert_eq!(err.problems[0].line, 9, "{err}");
    assert!(err.problems[0].message.contains("area_path"), "{err}");
}
