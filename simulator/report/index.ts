/** Run reports: ladders (text, SVG), JUnit XML, Allure results, the HTML index, load pages with their plots, and the report folder. */
export { textLadder, RETRANSMISSION_MARK, type TextLadderOptions } from './ladder-text.js';
export { svgLadder, type SvgLadderOptions } from './ladder-svg.js';
export { ladderLayout, type LadderColumn, type LadderInput, type LadderLayout, type LadderRow } from './ladder-columns.js';
export { messageLabel, messageClass, hasSdpBody, type MessageClass } from './trace-message.js';
export { junitXml, type JunitOptions } from './junit.js';
export { allureResults, type AllureOptions, type ReportFile } from './allure.js';
export { indexHtml, type IndexHtmlOptions } from './html-index.js';
export { writeRunReport, type RunReportOptions } from './write-run-report.js';
export { loadPage, type LoadPageOptions } from './load-page.js';
export { svgLinePlot, type LinePlot, type PlotSeries, type PlotPoint } from './svg-plot.js';
export { valueAxis, timeAxis, type Axis, type AxisTick } from './plot-axis.js';
export { cdrJsonl } from './cdr-jsonl.js';
export { failureMessage, failureDetails } from './failure-details.js';
export { scenarioSlugs, scenarioLinks, relativeFile, scenarioFolder, SCENARIO_FILES, LOAD_FILES, type ScenarioLinks } from './scenario-paths.js';
export { formatScenarioTime } from './scenario-time.js';
export { xmlText, xmlAttr, stripIllegalXmlChars } from './xml-text.js';
