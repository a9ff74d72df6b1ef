//! The candidate profile: what a candidate fills in, validated on construction.

use crate::error::{FieldError, UserError};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A prefecture of Japan by its JIS X 0401 code (1 = Hokkaido … 47 = Okinawa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Prefecture(u8);

impl TryFrom<u8> for Prefecture {
    type Error = UserError;
    fn try_from(code: u8) -> Result<Self, UserError> {
        match code {
            1..=47 => Ok(Prefecture(code)),
            _ => Err(UserError::InvalidPrefecture),
        }
    }
}

impl From<Prefecture> for u8 {
    fn from(p: Prefecture) -> u8 {
        p.0
    }
}

impl Prefecture {
    /// Every prefecture in JIS order.
    pub fn all() -> impl Iterator<Item = Prefecture> {
        (1..=47).map(Prefecture)
    }

    pub fn parse(raw: &str) -> Result<Self, UserError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(UserError::Required);
        }
        raw.parse::<u8>()
            .map_err(|_| UserError::InvalidPrefecture)
            .and_then(Prefecture::try_from)
    }

    pub fn code(self) -> u8 {
        self.0
    }
}

crate::code_enum! {
    /// The kinds of work a candidate is looking for; the pool filters on them.
    pub enum JobType {
        Sales = "sales",
        Accounting = "accounting",
        Engineering = "engineering",
        Marketing = "marketing",
        HumanResources = "hr",
        Office = "office",
        Design = "design",
        CustomerSupport = "support",
        Consulting = "consulting",
        Manufacturing = "manufacturing",
        Medical = "medical",
        Other = "other",
    }
}

impl JobType {
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(UserError::Required);
        }
        Self::from_code(raw).ok_or(UserError::InvalidJobType)
    }
}

/// The profile form as typed: every field a string, as browsers and forms send them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub prefecture: String,
    pub job_type_1: String,
    #[serde(default)]
    pub job_type_2: String,
    #[serde(default)]
    pub job_type_3: String,
    #[serde(default)]
    pub skills: String,
    pub years_experience: String,
    #[serde(default)]
    pub desired_salary: String,
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub summary: String,
}

/// A complete, valid profile. Salary is in units of 10,000 yen (万円), as Japanese forms ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub name_kana: String,
    pub phone: Option<String>,
    pub prefecture: Prefecture,
    pub job_types: Vec<JobType>,
    pub skills: Vec<String>,
    pub years_experience: u8,
    pub desired_salary: Option<u32>,
    pub languages: String,
    pub summary: String,
}

const MAX_SKILLS: usize = 20;

fn clean(raw: &str) -> String {
    raw.nfkc().collect::<String>().trim().to_owned()
}

fn text(raw: &str, max_chars: usize, required: bool) -> Result<String, UserError> {
    let s = clean(raw);
    if required && s.is_empty() {
        Err(UserError::Required)
    } else if s.chars().count() > max_chars {
        Err(UserError::TooLong)
    } else {
        Ok(s)
    }
}

fn kana(raw: &str) -> Result<String, UserError> {
    let s = text(raw, 100, true)?;
    // NFKC turns half-width katakana into full-width, so only the full-width ranges remain.
    let ok = s.chars().all(|c| {
        matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | '・' | ' ' | '　')
    });
    if ok {
        Ok(s)
    } else {
        Err(UserError::InvalidKana)
    }
}

/// Checks a Japanese or international phone number and keeps digits (and a leading +).
pub fn parse_phone(raw: &str) -> Result<Option<String>, UserError> {
    let s = clean(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let (plus, rest) = match s.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, s.as_str()),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')'))
    {
        return Err(UserError::InvalidPhone);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let ok = if plus {
        (8..=15).contains(&digits.len())
    } else {
        digits.starts_with('0') && (10..=11).contains(&digits.len())
    };
    if !ok {
        return Err(UserError::InvalidPhone);
    }
    Ok(Some(if plus { format!("+{digits}") } else { digits }))
}

/// Splits a list typed with commas, Japanese commas or new lines.
pub fn split_list(raw: &str) -> Vec<String> {
    clean(raw)
        .split([',', '、', '\n', '，'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl TryFrom<&ProfileInput> for Profile {
    type Error = Vec<FieldError>;

    fn try_from(input: &ProfileInput) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let mut check = |field: &str, r: Result<(), UserError>| {
            if let Err(e) = r {
                errors.push(FieldError::new(field, e));
            }
        };
        let name = text(&input.name, 100, true);
        check("name", name.as_ref().map(drop).map_err(|e| *e));
        let name_kana = kana(&input.name_kana);
        check("name_kana", name_kana.as_ref().map(drop).map_err(|e| *e));
        let phone = parse_phone(&input.phone);
        check("phone", phone.as_ref().map(drop).map_err(|e| *e));
        let prefecture = Prefecture::parse(&input.prefecture);
        check("prefecture", prefecture.map(drop));
        let mut job_types = Vec::new();
        for (field, raw, required) in [
            ("job_type_1", &input.job_type_1, true),
            ("job_type_2", &input.job_type_2, false),
            ("job_type_3", &input.job_type_3, false),
        ] {
            if raw.trim().is_empty() && !required {
                continue;
            }
            match JobType::parse(raw) {
                Ok(j) if !job_types.contains(&j) => job_types.push(j),
                Ok(_) => {}
                Err(e) => check(field, Err(e)),
            }
        }
        let skills = split_list(&input.skills);
        if skills.len() > MAX_SKILLS || skills.iter().any(|s| s.chars().count() > 50) {
            check("skills", Err(UserError::TooLong));
        }
        let years = crate::field::number(&input.years_experience, 60, true);
        check("years_experience", years.map(drop));
        let salary = crate::field::number(&input.desired_salary, 9_999, false);
        check("desired_salary", salary.map(drop));
        let languages = text(&input.languages, 200, false);
        check("languages", languages.as_ref().map(drop).map_err(|e| *e));
        let summary = text(&input.summary, 2_000, false);
        check("summary", summary.as_ref().map(drop).map_err(|e| *e));

        if !errors.is_empty() {
            return Err(errors);
        }
        // Every Result below is Ok: an Err would have been recorded above.
        let ok = |r: Result<String, UserError>| r.unwrap_or_default();
        Ok(Profile {
            name: ok(name),
            name_kana: ok(name_kana),
            phone: phone.unwrap_or_default(),
            prefecture: prefecture.unwrap_or(Prefecture(13)),
            job_types,
            skills,
            years_experience: years.ok().flatten().unwrap_or_default() as u8,
            desired_salary: salary.ok().flatten(),
            languages: ok(languages),
            summary: ok(summary),
        })
    }
}

impl Profile {
    /// The text the pool's keyword search looks in: skills, languages, summary.
    pub fn search_text(&self) -> String {
        let mut s = self.skills.join(" ");
        s.push(' ');
        s.push_str(&self.languages);
        s.push(' ');
        s.push_str(&self.summary);
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProfileInput {
        ProfileInput {
            name: "山田 太郎".into(),
            name_kana: "ヤマダ タロウ".into(),
            phone: "090-1234-5678".into(),
            prefecture: "13".into(),
            job_type_1: "sales".into(),
            job_type_2: "marketing".into(),
            job_type_3: "sales".into(),
            skills: "法人営業、Excel, 簿記2級".into(),
            years_experience: "５".into(),
            desired_salary: "450".into(),
            languages: "日本語, English".into(),
            summary: "営業経験5年".into(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_profile() {
        let p = Profile::try_from(&valid()).unwrap();
        assert_eq!(p.phone.as_deref(), Some("09012345678"));
        assert_eq!(p.job_types, vec![JobType::Sales, JobType::Marketing]);
        assert_eq!(p.skills, vec!["法人営業", "Excel", "簿記2級"]);
        assert_eq!(p.years_experience, 5);
        assert_eq!(p.prefecture.code(), 13);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = ProfileInput {
            name: " ".into(),
            name_kana: "Yamada".into(),
            phone: "12345".into(),
            prefecture: "48".into(),
            job_type_1: "astronaut".into(),
            years_experience: "abc".into(),
            desired_salary: "100000".into(),
            ..valid()
        };
        let errors = Profile::try_from(&input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.error)).collect();
        assert_eq!(
            fields,
            vec![
                ("name", UserError::Required),
                ("name_kana", UserError::InvalidKana),
                ("phone", UserError::InvalidPhone),
                ("prefecture", UserError::InvalidPrefecture),
                ("job_type_1", UserError::InvalidJobType),
                ("years_experience", UserError::InvalidNumber),
                ("desired_salary", UserError::OutOfRange),
            ]
        );
    }

    #[test]
    fn json_cannot_build_a_prefecture_or_job_type_that_parse_refuses() {
        assert!(serde_json::from_str::<Prefecture>("48").is_err());
        assert!(serde_json::from_str::<Prefecture>("0").is_err());
        assert_eq!(serde_json::from_str::<Prefecture>("13").unwrap().code(), 13);
        assert!(serde_json::from_str::<JobType>("\"astronaut\"").is_err());
        assert!(serde_json::from_str::<JobType>("\"Sales\"").is_err());
        assert_eq!(
            serde_json::from_str::<JobType>("\"hr\"").unwrap(),
            JobType::HumanResources
        );
    }

    #[test]
    fn half_width_kana_is_accepted_as_full_width() {
        let p = Profile::try_from(&ProfileInput {
            name_kana: "ﾔﾏﾀﾞ ﾀﾛｳ".into(),
            ..valid()
        })
        .unwrap();
        assert_eq!(p.name_kana, "ヤマダ タロウ");
    }

    #[test]
    fn phone_numbers_keep_only_digits() {
        assert_eq!(
            parse_phone("+81 90-1234-5678").unwrap().as_deref(),
            Some("+819012345678")
        );
        assert_eq!(parse_phone("").unwrap(), None);
        assert!(parse_phone("090-abcd-5678").is_err());
    }
}
