// SPDX-License-Identifier: Apache-2.0

extension JournalReport {
    /// Calm colours, charts first and numbers beside them; on paper, a page per session.
    static let css = """
        :root{--ink:#2b2f36;--soft:#6b7280;--line:#e5e7eb;--paper:#fbfaf7}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1180px;padding:24px 28px;background:var(--paper);color:var(--ink);
        font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
        h1{font-weight:600;font-size:26px;margin:0 0 4px}
        h2{font-weight:600;font-size:20px;margin:0 0 6px}
        h3{font-weight:600;font-size:15px;color:var(--soft);margin:14px 0 4px}
        header p,.when{color:var(--soft);font-weight:400;font-size:14px}
        section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:18px 0}
        .story{max-width:75ch;margin:4px 0 12px}
        .session-body{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:20px;align-items:start}
        .assessment .session-body{grid-template-columns:minmax(0,1fr)}.assessment .charts svg{max-width:760px}
        .charts svg{display:block;width:100%;height:auto;margin-bottom:2px}
        .trend-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:6px 18px}
        figure{margin:0}figcaption{font-size:12px;color:var(--soft);margin:-2px 0 8px 52px}
        figure svg{display:block;width:100%;height:auto}
        .legend{font-size:12px;color:var(--soft);margin-bottom:4px}
        .legend span{margin-right:14px;white-space:nowrap}
        .swatch{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:-1px;border:1px solid #d8dbe0}
        .swatch.phase-match{background:#e7f0fb}.swatch.phase-lead{background:#e6f4ea}
        .swatch.phase-hold{background:#fdf3dc}.swatch.phase-close{background:#efeff1}
        .swatch.gap{background:rgba(180,83,9,.22)}
        .swatch.artifact{background:#c2410c;width:3px;border:0}
        .swatch.measured{background:#9ca3af;height:2px;vertical-align:3px;border:0}
        table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
        th,td{padding:3px 8px;text-align:right;border-bottom:1px solid var(--line)}
        th{font-weight:600;color:var(--soft)}
        .headline{width:100%;margin-bottom:12px}
        .headline th:first-child{text-align:left}
        .windows{width:100%;margin-top:10px}
        .windows td:first-child{text-align:left}
        .unit{font-weight:400;color:var(--soft);font-size:11px}
        .chart-title{font-size:12px;font-weight:600;fill:var(--ink)}
        .chart .unit{fill:var(--soft);font-weight:400}
        .axis{font-size:10px;fill:var(--soft)}
        .grid{stroke:#eef0f3;stroke-width:1}
        .frame{fill:none;stroke:#d8dbe0}
        .phase-match{fill:#e7f0fb}.phase-lead{fill:#e6f4ea}.phase-hold{fill:#fdf3dc}.phase-close{fill:#efeff1}
        .phase-other{fill:#f4f4f5}
        .gap{fill:#b45309;fill-opacity:.22}
        .normal-range{fill:#cfe3f5;fill-opacity:.75}
        .artifact{stroke:#c2410c;stroke-width:1.2}
        path[class^=line]{fill:none;stroke-width:1.6;stroke-linejoin:round}
        .line-heart{stroke:#b4415a}.line-hrv{stroke:#2f6f9f}.line-breath{stroke:#3b8b6e}
        .line-coherence{stroke:#7c5aa6}.line-music{stroke:#4b5563}.line-measured{stroke:#9ca3af;stroke-dasharray:3 2}
        .line-trend{stroke:#2f6f9f}.line-trend-dot{fill:#2f6f9f}
        .methods{font-size:13px;color:#444}.methods li{margin:3px 0}
        @media (max-width:900px){.session-body{grid-template-columns:1fr}}
        @page{size:A4;margin:12mm}
        @media print{
        body{background:#fff;max-width:none;padding:0;font-size:11pt}
        section{border:0;padding:0;margin:0 0 8mm}
        .session,.methods{break-before:page}
        .session-body{grid-template-columns:minmax(0,1fr) 62mm}
        svg,figure,tr{break-inside:avoid}
        }
        """

    /// The method notes at the end (README "Methods").
    static let methods = """
        <section class="methods"><h2>Methods</h2><ul>
        <li><b>Windows.</b> The table and the first/last comparison use 5-minute windows cut from the \
        session's start (Task Force 1996 short-term recordings), computed from the recorded beats exactly \
        as <code>lull hrv FILE --window 300</code> computes them from an exported Kubios file: artifact-corrected \
        series; mean HR = 60000 / mean RR; SDNN (sample SD); RMSSD; pNN50 with the N-1 denominator; Poincaré \
        SD1/SD2. Sessions need two full windows for a first-against-last comparison.</li>
        <li><b>Spectrum.</b> As NeuroKit2 0.2.13: RR interpolated by a quadratic spline at 4 Hz, Welch with a Hann \
        window, 150 s segments, 50 % overlap, zero-padded to twice the segment; LF 0.04–0.15 Hz, HF 0.15–0.40 Hz.</li>
        <li><b>Charts.</b> Heart rate and RMSSD over the last 60 s, breathing rate and coherence over the last \
        64 s, as the live session computed them, one point every 5 s; the music's target tempo and loudness \
        (and the loudness measured at the output, ITU-R BS.1770-4, dashed) beneath on the same axis.</li>
        <li><b>Artifacts.</b> Lipponen &amp; Tarvainen 2019 (the Kubios method): dRR against an 11-beat median, \
        thresholds 5.2 × the quartile deviation over 91 beats; extra beats removed, missed beats split, \
        ectopic and long/short beats moved to the midpoint of their neighbours. Live, each beat is decided \
        6 beats after it arrives (the marks under the heart-rate chart); the windows use the file method \
        (thresholds centred on the beat, up to 3 passes). Beats measured without skin contact are flagged.</li>
        <li><b>Coherence</b> (McCraty &amp; Zayas 2014): the highest peak in 0.04–0.26 Hz, its power within \
        ±0.015 Hz, divided by the rest of the power in 0.0033–0.4 Hz. <b>Breathing rate</b>: the highest \
        spectral peak in 0.05–0.5 Hz (respiratory sinus arrhythmia).</li>
        <li><b>Time to calm</b>: the first time RMSSD stayed at least 30 % above and heart rate at least 5 bpm \
        below the first 5 minutes' means for 60 s.</li>
        <li><b>Phases.</b> match: the music meets the listener; lead: it slows and softens towards calm; \
        hold: it waits when the listener does not follow; close: the last 2 minutes fade out.</li>
        <li><b>Normal range</b> (trends): mean ± 1 SD of the client's own values over the 60 days before \
        their newest session, as HRV4Training does; shown from 3 sessions on.</li>
        </ul></section>
        """
}
