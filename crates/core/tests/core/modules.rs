//! No two modules of a crate import each other. Every crate's `src/` tree in
//! the workspace is read, each file's `crate::…`, `super::…` and `self::…`
//! paths are resolved to the modules they name, and among the modules of one
//! parent (the crate's top-level modules, or a module's submodules) the
//! references must form no cycle: a reader then finds, for any two siblings,
//! which one is built on the other. A module may use its own submodules and
//! what its parent holds; the test fails naming each cycle and where each of
//! its references is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path from the crate root (empty: the root).
type ModulePath = Vec<String>;

/// Where one module names another: file and line.
type Site = String;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every crate's source tree in the workspace: its name and `src/`.
fn crates() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(workspace().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let src = dir.join("src");
        if src.is_dir() {
            out.push((dir.file_name().unwrap().to_string_lossy().into_owned(), src));
        }
    }
    out.sort();
    out
}

/// The `.rs` files of one crate with the module each one is: `lib.rs` and
/// `main.rs` the root, `a.rs` and `a/mod.rs` module `a`, `a/b.rs` `a::b`.
/// (`src/bin/` holds other crates' roots, and is left out.)
fn module_files(src: &Path) -> Vec<(ModulePath, PathBuf)> {
    fn walk(dir: &Path, prefix: &ModulePath, root: bool, out: &mut Vec<(ModulePath, PathBuf)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if root && name == "bin" {
                    continue;
                }
                let mut module = prefix.clone();
                module.push(name);
                walk(&path, &module, false, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                let module = match stem {
                    "lib" | "main" if root => prefix.clone(),
                    "mod" => prefix.clone(),
                    _ => {
                        let mut m = prefix.clone();
                        m.push(stem.to_string());
                        m
                    }
                };
                out.push((module, path));
            }
        }
    }
    let mut out = Vec::new();
    walk(src, &Vec::new(), true, &mut out);
    out
}

/// The source without comments (a path named in a doc comment is no import).
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let (mut in_string, mut block) = (false, 0usize);
    while let Some(c) = chars.next() {
        if block > 0 {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                block -= 1;
            } else if c == '/' && chars.peek() == Some(&'*') {
                chars.next();
                block += 1;
            } else if c == '\n' {
                out.push('\n');
            }
            continue;
        }
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                block = 1;
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths a `use` tree or a path expression names, from just after its
/// leading `crate::`/`super::`/`self::`: `a::b`, `{a, b::{c, d}}`, `a::*`.
fn paths(text: &str) -> Vec<Vec<String>> {
    fn tree(s: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        loop {
            while *at < s.len() && s[*at].is_whitespace() {
                *at += 1;
            }
            if *at < s.len() && s[*at] == '{' {
                *at += 1;
                loop {
                    tree(s, at, &path, out);
                    while *at < s.len() && s[*at].is_whitespace() {
                        *at += 1;
                    }
                    match s.get(*at) {
                        Some(',') => *at += 1,
                        Some('}') => {
                            *at += 1;
                            return;
                        }
                        _ => return,
                    }
                    while *at < s.len() && s[*at].is_whitespace() {
                        *at += 1;
                    }
                    if s.get(*at) == Some(&'}') {
                        *at += 1;
                        return;
                    }
                }
            }
            let start = *at;
            while *at < s.len() && is_ident(s[*at]) {
                *at += 1;
            }
            if *at == start {
                break;
            }
            path.push(s[start..*at].iter().collect());
            if s.get(*at) == Some(&':') && s.get(*at + 1) == Some(&':') {
                *at += 2;
            } else {
                break;
            }
        }
        // A glob, or `x as y`: neither names another module.
        if s.get(*at) == Some(&'*') {
            *at += 1;
        }
        let mut look = *at;
        while look < s.len() && s[look].is_whitespace() {
            look += 1;
        }
        if s.get(look) == Some(&'a')
            && s.get(look + 1) == Some(&'s')
            && !s.get(look + 2).is_some_and(|c| is_ident(*c))
        {
            look += 2;
            while look < s.len() && s[look].is_whitespace() {
                look += 1;
            }
            while look < s.len() && is_ident(s[look]) {
                look += 1;
            }
            *at = look;
        }
        out.push(path);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, &[], &mut out);
    out
}

/// Every module path this file names, with the line it does so on.
fn references(module: &ModulePath, is_root_file: bool, source: &str) -> Vec<(ModulePath, usize)> {
    let source = without_comments(source);
    let mut out = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(found) = ["crate::", "super::", "self::"]
            .iter()
            .filter_map(|k| rest.find(k).map(|i| (i, *k)))
            .min()
        {
            let (i, keyword) = found;
            let before = line[..offset + i].chars().last();
            let after = &rest[i + keyword.len()..];
            offset += i + keyword.len();
            rest = after;
            if before.is_some_and(|c| is_ident(c) || c == '$' || c == ':') {
                continue;
            }
            // Where the path starts from.
            let mut base: ModulePath = match keyword {
                "crate::" => Vec::new(),
                "self::" => module.clone(),
                _ => {
                    // In `a.rs` or `a/mod.rs` (module `a`), `super` is `a`'s parent.
                    let mut parent = module.clone();
                    if is_root_file {
                        continue;
                    }
                    parent.pop();
                    parent
                }
            };
            let mut tail = after;
            while let Some(more) = tail.strip_prefix("super::") {
                base.pop();
                tail = more;
                offset += "super::".len();
                rest = tail;
            }
            for path in paths(tail) {
                let mut full = base.clone();
                full.extend(path);
                out.push((full, number + 1));
            }
        }
    }
    out
}

/// The cycles among sibling modules in one crate, each as the modules in
/// order with where each names the next.
fn cycles(src: &Path) -> Vec<Vec<(ModulePath, Site)>> {
    let files = module_files(src);
    let modules: BTreeSet<ModulePath> = files.iter().map(|(m, _)| m.clone()).collect();
    // parent → (child → (child → where)).
    let mut edges: BTreeMap<ModulePath, BTreeMap<String, BTreeMap<String, Site>>> = BTreeMap::new();
    for (module, file) in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let root_file = module.is_empty();
        for (target, line) in references(module, root_file, &source) {
            // The deepest module the path names (the rest are items in it).
            let Some(target) = (0..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|prefix| modules.contains(prefix))
            else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            // A module may name its ancestors and its own submodules.
            if common == module.len() || common == target.len() {
                continue;
            }
            let site = format!(
                "{}:{line}",
                file.strip_prefix(workspace()).unwrap_or(file).display()
            );
            edges
                .entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .entry(target[common].clone())
                .or_insert(site);
        }
    }
    let mut found = Vec::new();
    for (parent, graph) in &edges {
        // A cycle through each pair of mutually reachable siblings, found by
        // a search from each sibling back to itself; each reported once.
        let mut seen: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for start in graph.keys() {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut visited = BTreeSet::new();
            while let Some((at, path)) = stack.pop() {
                for next in graph.get(&at).into_iter().flat_map(|g| g.keys()) {
                    if next == start {
                        let members: BTreeSet<String> = path.iter().cloned().collect();
                        if seen.insert(members) {
                            let mut cycle = Vec::new();
                            for (i, m) in path.iter().enumerate() {
                                let to = path.get(i + 1).unwrap_or(start);
                                let mut module = parent.clone();
                                module.push(m.clone());
                                cycle.push((module, graph[m][to].clone()));
                            }
                            found.push(cycle);
                        }
                    } else if visited.insert(next.clone()) {
                        let mut longer = path.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    let mut report = Vec::new();
    for (name, src) in crates() {
        for cycle in cycles(&src) {
            let names: Vec<String> = cycle.iter().map(|(m, _)| m.join("::")).collect();
            let sites: Vec<String> = cycle
                .iter()
                .zip(names.iter().cycle().skip(1))
                .map(|((m, site), to)| format!("    {} names {to} at {site}", m.join("::")))
                .collect();
            report.push(format!(
                "{name}: {} ⇄\n{}",
                names.join(" → "),
                sites.join("\n")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "modules that import each other:\n{}",
        report.join("\n")
    );
}

/// The detector itself: it finds a cycle, resolves `super`, grouped and
/// nested `use` trees, and ignores comments and other crates' paths.
#[test]
fn the_cycle_detector_reads_paths_as_rust_does() {
    assert_eq!(
        paths("{a, b::{c, d as e}, f::*};"),
        vec![vec!["a"], vec!["b", "c"], vec!["b", "d"], vec!["f", ""]]
            .into_iter()
            .map(|p| p
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    let module = vec!["x".to_string(), "y".to_string()];
    let found: Vec<ModulePath> = references(
        &module,
        false,
        "use super::z::Thing; // crate::not_this\nuse truce_core::crate_like; let a = crate::w::f();\nuse super::super::top;",
    )
    .into_iter()
    .map(|(m, _)| m)
    .collect();
    assert_eq!(
        found,
        vec![
            vec!["x".to_string(), "z".into(), "Thing".into()],
            vec!["w".to_string(), "f".into()],
            vec!["top".to_string()],
        ]
    );

    let src = &std::env::temp_dir().join(format!("truce-modules-{}", std::process::id()));
    std::fs::create_dir_all(src).unwrap();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a; mod b; mod c;").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::Thing;").unwrap();
    std::fs::write(src.join("b/mod.rs"), "mod inner;").unwrap();
    std::fs::write(src.join("b/inner.rs"), "use super::super::a::Other;").unwrap();
    std::fs::write(src.join("c.rs"), "/// See crate::a.\nuse crate::b;").unwrap();
    let found = cycles(src);
    std::fs::remove_dir_all(src).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let modules: Vec<String> = found[0].iter().map(|(m, _)| m.join("::")).collect();
    assert_eq!(modules, ["a", "b"]);
}
