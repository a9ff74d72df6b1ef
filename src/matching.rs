//! Matching: candidates ranked for a free referral request by named rules a person can check.
//! The score is the sum of the points of the rules that matched, and the page lists them.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// One rule that matched, with what it matched on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// The candidate looks for the request's job type.
    JobType,
    /// The candidate lives in the request's prefecture.
    Prefecture,
    /// The candidate has at least the years the request asks for.
    Years,
    /// The candidate's desired salary lies inside the request's range.
    Salary,
    /// A must-have requirement appears in the candidate's skills or summary.
    MustHave(String),
    /// A nice-to-have requirement appears in the candidate's skills or summary.
    NiceToHave(String),
}

impl Rule {
    /// What the rule adds to the score.
    pub fn points(&self) -> i64 {
        match self {
            Rule::JobType => 3,
            Rule::Prefecture | Rule::Years | Rule::Salary | Rule::MustHave(_) => 2,
            Rule::NiceToHave(_) => 1,
        }
    }
}

/// What a request asks for, as matching reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Wanted {
    pub job_type: String,
    /// `None` for a remote position: every prefecture fits, and none scores.
    pub prefecture: Option<i64>,
    pub min_years: i64,
    pub salary_min: i64,
    pub salary_max: i64,
    pub must_have: Vec<String>,
    pub nice_to_have: Vec<String>,
}

/// What matching reads of a candidate (no name, no contact).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Job type codes, comma-separated as stored.
    pub job_types: String,
    pub prefecture: Option<i64>,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    /// Skills, languages and summary.
    pub text: String,
}

/// At most this many requirement terms are matched, each at most this many characters.
pub const MAX_TERMS: usize = 20;
const MAX_TERM_CHARS: usize = 40;

/// The terms of a requirement text: split at commas, Japanese commas and middle dots, slashes
/// and line breaks, normalised (NFKC, lower case); two characters or more, so that two-character
/// Japanese terms (経理, 営業) count.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in normalise(text).split([',', '、', '・', '/', '\n', ';', '。']) {
        let t = t.trim();
        if t.chars().count() >= 2
            && t.chars().count() <= MAX_TERM_CHARS
            && !out.iter().any(|o| o == t)
        {
            out.push(t.to_owned());
        }
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

/// Text as terms are compared: NFKC (full-width letters become ASCII) and lower case.
pub fn normalise(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// The rules a candidate matches for a request, in the order the page lists them.
pub fn rules(wanted: &Wanted, c: &Facts) -> Vec<Rule> {
    let mut matched = Vec::new();
    if c.job_types.split(',').any(|j| j == wanted.job_type) {
        matched.push(Rule::JobType);
    }
    if wanted.prefecture.is_some() && wanted.prefecture == c.prefecture {
        matched.push(Rule::Prefecture);
    }
    if c.years_experience.unwrap_or(0) >= wanted.min_years {
        matched.push(Rule::Years);
    }
    if c.desired_salary
        .is_some_and(|s| (wanted.salary_min..=wanted.salary_max).contains(&s))
    {
        matched.push(Rule::Salary);
    }
    let text = normalise(&c.text);
    for t in &wanted.must_have {
        if text.contains(t.as_str()) {
            matched.push(Rule::MustHave(t.clone()));
        }
    }
    for t in &wanted.nice_to_have {
        if text.contains(t.as_str()) {
            matched.push(Rule::NiceToHave(t.clone()));
        }
    }
    matched
}

/// The score: the sum of the matched rules' points.
pub fn score(rules: &[Rule]) -> i64 {
    rules.iter().map(Rule::points).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accountant() -> Facts {
        Facts {
            job_types: "accounting,office".into(),
            prefecture: Some(13),
            years_experience: Some(5),
            desired_salary: Some(450),
            text: "簿記2級, ＥＸＣＥＬ 経理の月次決算を担当".into(),
        }
    }

    fn wanted() -> Wanted {
        Wanted {
            job_type: "accounting".into(),
            prefecture: Some(13),
            min_years: 3,
            salary_min: 400,
            salary_max: 500,
            must_have: terms("経理、月次決算"),
            nice_to_have: terms("Excel / 英語"),
        }
    }

    #[test]
    fn every_rule_that_matched_is_named_and_scored() {
        let r = rules(&wanted(), &accountant());
        assert_eq!(
            r,
            vec![
                Rule::JobType,
                Rule::Prefecture,
                Rule::Years,
                Rule::Salary,
                Rule::MustHave("経理".into()),
                Rule::MustHave("月次決算".into()),
                Rule::NiceToHave("excel".into()),
            ]
        );
        assert_eq!(score(&r), 3 + 2 + 2 + 2 + 2 + 2 + 1);
    }

    #[test]
    fn a_candidate_outside_the_request_scores_nothing() {
        let c = Facts {
            job_types: "sales".into(),
            prefecture: Some(27),
            years_experience: Some(1),
            desired_salary: Some(800),
            text: "法人営業".into(),
        };
        assert!(rules(&wanted(), &c).is_empty());
    }

    #[test]
    fn a_remote_position_fits_every_prefecture_without_points() {
        let w = Wanted {
            prefecture: None,
            ..wanted()
        };
        assert!(!rules(&w, &accountant()).contains(&Rule::Prefecture));
    }

    #[test]
    fn terms_split_at_japanese_and_latin_separators_and_keep_two_characters() {
        assert_eq!(
            terms("経理、営業・Ｒｕｓｔ/a\n英語"),
            vec!["経理", "営業", "rust", "英語"]
        );
    }
}
