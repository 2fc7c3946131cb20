//! Made-up files in ACLED's and UCDP GED's real column layouts, for tests,
//! benches and fuzz seeds: deterministic (a seed), with what real files
//! carry — a UTF-8 byte order mark, quoted cells with commas and line
//! breaks, place names in Arabic script, empty admin levels — and, when
//! asked, some rows broken on purpose, whose line and column it reports.
//! Nothing here is real: every event, place and figure is invented.

/// ACLED's columns, in ACLED's order (as of its 2023 column changes).
pub const ACLED_COLUMNS: [&str; 31] = truce_export::ACLED_COLUMNS;

/// UCDP GED's columns, in GED's order (version 23.1 and later).
pub const UCDP_COLUMNS: [&str; 49] = truce_export::UCDP_COLUMNS;

/// A generated file and the rows in it that must be refused.
pub struct Sample {
    pub text: String,
    /// Good rows (events) in it.
    pub events: usize,
    /// `(line, column)` of each broken row.
    pub broken: Vec<(u64, &'static str)>,
}

/// (country, ISO numeric, ISO alpha-3, admin1, admin2 (may be empty), location, lat, lon)
type Town = (
    &'static str,
    u16,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
);

const TOWNS: [Town; 8] = [
    (
        "Afghanistan",
        4,
        "AFG",
        "Nangarhar",
        "Momand Dara",
        "طورخم",
        34.1125,
        71.0931,
    ),
    (
        "Afghanistan",
        4,
        "AFG",
        "Kandahar",
        "سپین بولدک",
        "Spin Boldak",
        31.0061,
        66.3997,
    ),
    (
        "Pakistan",
        586,
        "PAK",
        "Khyber Pakhtunkhwa",
        "",
        "Landi Kotal",
        34.0986,
        71.1453,
    ),
    (
        "Pakistan",
        586,
        "PAK",
        "Balochistan",
        "Qilla Abdullah",
        "چمن",
        30.9210,
        66.4597,
    ),
    (
        "Afghanistan",
        4,
        "AFG",
        "Khost",
        "",
        "غلام خان",
        33.2014,
        70.2611,
    ),
    (
        "Pakistan",
        586,
        "PAK",
        "Khyber Pakhtunkhwa",
        "North Waziristan",
        "Angoor Adda",
        32.5833,
        69.6167,
    ),
    ("Afghanistan", 4, "AFG", "Paktika", "", "", 32.2646, 68.5247),
    (
        "Pakistan",
        586,
        "PAK",
        "Khyber Pakhtunkhwa",
        "Kurram",
        "Kharlachi",
        33.8900,
        69.9500,
    ),
];

const ACLED_TYPES: [(&str, &str, &str); 6] = [
    ("Political violence", "Battles", "Armed clash"),
    (
        "Political violence",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        "Political violence",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        "Political violence",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        "Political violence",
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    (
        "Strategic developments",
        "Strategic developments",
        "Looting/property destruction",
    ),
];

/// A small deterministic generator (SplitMix64): the same seed, the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        // The tables are constant and never empty.
        #[allow(clippy::indexing_slicing)]
        &items[i.min(items.len() - 1)]
    }
}

fn day(n: u64) -> (u64, u64, u64) {
    // Days of 2024 from 1 January, months of 28 days to stay valid.
    (2024, 1 + (n / 28) % 12, 1 + n % 28)
}

fn set(cells: &mut [String], at: usize, value: String) {
    if let Some(cell) = cells.get_mut(at) {
        *cell = value;
    }
}

fn write(out: &mut Vec<u8>, cells: &[String]) -> u64 {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(cells);
    let bytes = w.into_inner().unwrap_or_default();
    let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    out.extend_from_slice(&bytes);
    lines
}

/// `rows` ACLED events; with `broken`, every 97th row is broken in one of
/// a few ways (a latitude off the globe, a bad date, a bad precision code).
pub fn acled(rows: usize, seed: u64, broken: bool) -> Sample {
    let mut rng = Rng(seed);
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut line = 1 + write(&mut out, &ACLED_COLUMNS.map(str::to_owned));
    let mut sample = Sample {
        text: String::new(),
        events: 0,
        broken: Vec::new(),
    };
    for n in 0..rows {
        let town = rng.pick(&TOWNS);
        let (disorder, event, sub) = *rng.pick(&ACLED_TYPES);
        let (y, m, d) = day(rng.below(336));
        let fatalities = if rng.below(3) == 0 { rng.below(12) } else { 0 };
        let lat = town.6 + (rng.below(2000) as f64 - 1000.0) / 10_000.0;
        let lon = town.7 + (rng.below(2000) as f64 - 1000.0) / 10_000.0;
        let notes = match n % 5 {
            0 => format!(
                "On {d} {m} {y}, clashes were reported near {}, with \"heavy\" fire, the report says.",
                town.5
            ),
            1 => format!(
                "Shelling hit homes near {};\nresidents fled, local sources said.",
                town.3
            ),
            2 => "أفادت مصادر محلية بوقوع اشتباكات قرب المعبر، دون تأكيد لعدد الضحايا.".to_owned(),
            3 => String::new(),
            _ => format!(
                "Report, filed late, of an incident at {}, {}.",
                town.5, town.3
            ),
        };
        let mut cells: Vec<String> = vec![
            format!("{}{}", town.2, 100_000 + n),
            format!("{y}-{m:02}-{d:02}"),
            y.to_string(),
            (1 + rng.below(3)).to_string(),
            disorder.to_owned(),
            event.to_owned(),
            sub.to_owned(),
            format!("Military Forces of {} (2021-)", town.0),
            if n % 4 == 0 {
                "Border Police".to_owned()
            } else {
                String::new()
            },
            "State forces".to_owned(),
            if n % 3 == 0 {
                "Civilians (International)".to_owned()
            } else {
                "Unidentified Armed Group".to_owned()
            },
            String::new(),
            "Civilians".to_owned(),
            "State forces-Civilians".to_owned(),
            if sub.starts_with("Abduction") {
                "Civilian targeting".to_owned()
            } else {
                String::new()
            },
            town.1.to_string(),
            "South Asia".to_owned(),
            town.0.to_owned(),
            town.3.to_owned(),
            town.4.to_owned(),
            String::new(),
            town.5.to_owned(),
            format!("{lat:.4}"),
            format!("{lon:.4}"),
            (1 + rng.below(3)).to_string(),
            if n % 2 == 0 {
                "Dawn; Pajhwok Afghan News".to_owned()
            } else {
                "Tolo News".to_owned()
            },
            "National".to_owned(),
            notes,
            fatalities.to_string(),
            if n % 6 == 0 {
                "crowd size=no report, near the border".to_owned()
            } else {
                String::new()
            },
            (1_704_067_200 + n as u64 * 3_600).to_string(),
        ];
        if broken && n % 97 == 50 {
            let column = match (n / 97) % 3 {
                0 => {
                    set(&mut cells, 22, "134.5".to_owned());
                    "latitude"
                }
                1 => {
                    set(&mut cells, 1, "2024-02-30".to_owned());
                    "event_date"
                }
                _ => {
                    set(&mut cells, 24, "4".to_owned());
                    "geo_precision"
                }
            };
            sample.broken.push((line, column));
        } else {
            sample.events += 1;
        }
        line += write(&mut out, &cells);
    }
    sample.text = String::from_utf8(out).unwrap_or_default();
    sample
}

/// `rows` UCDP GED events; with `broken`, every 89th row is broken (a
/// `where_prec` of 9, an empty `date_start`, or a longitude off the globe).
pub fn ucdp(rows: usize, seed: u64, broken: bool) -> Sample {
    let mut rng = Rng(seed);
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut line = 1 + write(&mut out, &UCDP_COLUMNS.map(str::to_owned));
    let mut sample = Sample {
        text: String::new(),
        events: 0,
        broken: Vec::new(),
    };
    for n in 0..rows {
        let town = rng.pick(&TOWNS);
        let (y, m, d) = day(rng.below(336));
        let (a, b, c, u) = (rng.below(4), rng.below(3), rng.below(3), rng.below(2));
        let best = a + b + c + u;
        let lat = town.6 + (rng.below(2000) as f64 - 1000.0) / 10_000.0;
        let lon = town.7 + (rng.below(2000) as f64 - 1000.0) / 10_000.0;
        let kind = 1 + rng.below(3);
        let side_b = if kind == 3 { "Civilians" } else { "TTP" };
        let mut cells: Vec<String> = vec![
            (400_000 + n).to_string(),
            format!("{}-{y}-1-{}-{}", town.2, n, n % 7),
            y.to_string(),
            "TRUE".to_owned(),
            "Clear".to_owned(),
            kind.to_string(),
            "13692".to_owned(),
            "13692".to_owned(),
            format!("{}: Government", town.0),
            "15113".to_owned(),
            "15113".to_owned(),
            format!("Government of {} - {side_b}", town.0),
            "117".to_owned(),
            "117".to_owned(),
            format!("Government of {}", town.0),
            "1149".to_owned(),
            "1149".to_owned(),
            side_b.to_owned(),
            "2".to_owned(),
            if n % 2 == 0 {
                format!(
                    "\"Dawn,{y}-{m:02}-{d:02},'Clash at the border, two posts hit'\";\"BBC Monitoring,{y}-{m:02}-{d:02}\""
                )
            } else {
                "Xinhua News Agency".to_owned()
            },
            String::new(),
            format!("{y}-{m:02}-{d:02}"),
            if n % 3 == 0 {
                format!("اشتباك قرب {}", town.5)
            } else {
                format!("Fighting near {}", town.3)
            },
            if n % 2 == 0 {
                "local police;\nresidents".to_owned()
            } else {
                String::new()
            },
            (1 + rng.below(4)).to_string(),
            town.5.to_owned(),
            [town.5, town.4, town.3]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            format!("{} province", town.3),
            if town.4.is_empty() {
                String::new()
            } else {
                format!("{} district", town.4)
            },
            format!("{lat:.6}"),
            format!("{lon:.6}"),
            format!("POINT ({lon:.6} {lat:.6})"),
            "179779".to_owned(),
            town.0.to_owned(),
            if town.2 == "AFG" { "700" } else { "770" }.to_owned(),
            "Asia".to_owned(),
            "1".to_owned(),
            (1 + rng.below(4)).to_string(),
            format!("{y}-{m:02}-{d:02}"),
            format!("{y}-{m:02}-{d:02}"),
            a.to_string(),
            b.to_string(),
            c.to_string(),
            u.to_string(),
            best.to_string(),
            (best + rng.below(3)).to_string(),
            best.saturating_sub(rng.below(2)).to_string(),
            if town.2 == "AFG" { "700" } else { "770" }.to_owned(),
            String::new(),
        ];
        if broken && n % 89 == 40 {
            let column = match (n / 89) % 3 {
                0 => {
                    set(&mut cells, 24, "9".to_owned());
                    "where_prec"
                }
                1 => {
                    set(&mut cells, 38, String::new());
                    "date_start"
                }
                _ => {
                    set(&mut cells, 30, "-181.000000".to_owned());
                    "longitude"
                }
            };
            sample.broken.push((line, column));
        } else {
            sample.events += 1;
        }
        line += write(&mut out, &cells);
    }
    sample.text = String::from_utf8(out).unwrap_or_default();
    sample
}
