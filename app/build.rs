//! Generates the `i18n` module from `locales/*.json` (Japanese is the default locale).

use leptos_i18n_build::{Config, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n");
    let mut config = Config::new("ja")
        .and_then(|c| c.add_locale("en"))
        .expect("valid locale names");
    // Mail texts interpolate into plain strings on the server.
    config.options = std::mem::take(&mut config.options).interpolate_display(true);
    let infos = TranslationsInfos::parse(config).expect("translation files parse");
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos
        .generate_i18n_module(out)
        .expect("i18n module is written");
}
