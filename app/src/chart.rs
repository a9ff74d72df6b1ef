//! Charts drawn on the server as SVG with plotters: visible without JavaScript, in the page's
//! language (the caller passes the translated labels), each beside a table of the same numbers
//! for screen readers.

use plotters::prelude::*;

/// One line or bar series: its translated name and one value per month.
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

const WIDTH: u32 = 760;
const HEIGHT: u32 = 320;
/// Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// What kind of chart.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lines,
    Bars,
}

/// A chart of `series` over the months labelled `months`, as an SVG document; empty if drawing
/// failed (the table beside it still has the numbers).
pub fn draw(kind: Kind, months: &[String], series: &[Series]) -> String {
    let mut svg = String::new();
    if let Err(e) = draw_into(&mut svg, kind, months, series) {
        tracing::warn!(error = %e, "chart not drawn");
        return String::new();
    }
    svg
}

fn draw_into(
    svg: &mut String,
    kind: Kind,
    months: &[String],
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = months.len().max(1);
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    // Whole numbers on the axis: a little headroom above the largest, and below zero when a
    // month went negative (credits spent net of refunds).
    let top = top + (top / 10).max(1);
    let bottom = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .min()
        .unwrap_or(0)
        .min(0);
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), bottom..top)?;
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 0.01 && i >= 0.0 {
            months.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&label)
        .y_labels(6)
        .y_label_formatter(&|y: &i64| y.to_string())
        .label_style(("sans-serif", 14))
        .draw()?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let drawn = match kind {
            Kind::Lines => chart.draw_series(LineSeries::new(
                s.values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
                colour.stroke_width(2),
            ))?,
            Kind::Bars => chart.draw_series(s.values.iter().enumerate().map(|(i, v)| {
                let left = i as f64 - 0.4 + k as f64 * width;
                Rectangle::new([(left, 0), (left + width, *v)], colour.filled())
            }))?,
        };
        drawn
            .label(s.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 15))
        .draw()?;
    root.present()?;
    Ok(())
}

/// The three charts of a numbers page (the funnel, what came of the claims, the credits), drawn
/// in `locale`.
pub fn numbers_charts(
    locale: crate::i18n::Locale,
    n: &career_relay::numbers::Numbers,
) -> Vec<crate::api::company::Chart> {
    use crate::{api::company::Chart, text};
    use career_relay::numbers::{CREDITS, FUNNEL, OUTCOMES};
    let months: Vec<String> = n
        .months
        .iter()
        .map(|m| text::month_label(locale, &m.month))
        .collect();
    let series = |steps: &[usize]| -> Vec<Series> {
        steps
            .iter()
            .map(|&s| Series {
                name: text::step(locale, s),
                values: n.months.iter().map(|m| m.counts[s]).collect(),
            })
            .collect()
    };
    [
        ("funnel", Kind::Lines, &FUNNEL[..]),
        ("outcomes", Kind::Bars, &OUTCOMES[..]),
        ("credits", Kind::Bars, &CREDITS[..]),
    ]
    .into_iter()
    .map(|(key, kind, steps)| Chart {
        key: key.to_owned(),
        svg: draw(kind, &months, &series(steps)),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_svg_with_its_labels_and_one_shape_per_bar() {
        let months: Vec<String> = ["10月", "11月"].map(String::from).to_vec();
        let svg = draw(
            Kind::Bars,
            &months,
            &[
                Series {
                    name: "獲得".into(),
                    values: vec![3, 0],
                },
                Series {
                    name: "利用".into(),
                    values: vec![1, 2],
                },
            ],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in ["10月", "11月", "獲得", "利用"] {
            assert!(svg.contains(text), "{text} missing");
        }
        let lines = draw(
            Kind::Lines,
            &months,
            &[Series {
                name: "同意".into(),
                values: vec![5, 7],
            }],
        );
        assert!(lines.contains("<polyline"), "{lines}");
    }
}
