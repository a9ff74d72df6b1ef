//! Enums whose values are stable codes: stored in the database as text, sent by forms and JSON,
//! and read back only when the code is known.

/// Declares an enum of stable codes with `code()`, `from_code()`, `ALL`, serde as the code, and
/// `TryFrom<String>` (so a row's text column reads straight into it, refusing unknown codes).
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and sent by forms.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value of a code; `None` for a code that is not one.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        // By hand rather than derived: the derive does not see the codes through the macro.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl TryFrom<String> for $name {
            type Error = $crate::UserError;
            fn try_from(code: String) -> Result<Self, Self::Error> {
                Self::from_code(&code).ok_or($crate::UserError::NotFound)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::code_enum! {
        /// A test enum.
        pub enum Colour { Red = "red", DarkBlue = "dark_blue" }
    }

    #[test]
    fn codes_read_back_and_unknown_codes_are_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::from_code(c.code()), Some(*c));
            assert_eq!(Colour::try_from(c.code().to_owned()), Ok(*c));
        }
        assert_eq!(Colour::from_code("green"), None);
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert!(serde_json::from_str::<Colour>("\"DarkBlue\"").is_err());
    }
}
