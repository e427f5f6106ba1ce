/** The monitor's public surface: what the VS Code pseudoterminal, the CLI and the workflow import. */
export { AnsiStreamStripper, hasSgr, splitIncompleteEscape, stripAnsi } from './ansi';
export { boardStateFromEvents, describeBoardState, failureText, INITIAL_BOARD_STATE, reduceBoardState, type BoardState, type BoardStatus } from './board-state';
export { formatWallClock, LogFilter, renderRecord, TERMINAL_EOL, type FilterLevel, type LogFilterOptions, type RenderOptions } from './colorizer';
export { EventRecognizer, parseProvEvt, percentDecode, PROV_EVT_TAG, type ProvEvtLine } from './event-recognizer';
export { LineSplitter, type LineSplitterOptions, type LineTerminator, type SplitLine } from './line-splitter';
export { LOG_LEVEL_RANK, parseBacktrace, parseLogLine, type BacktraceFrame, type LineKind, type LogLevel, type LogRecord, type PanicMarker } from './log-line-parser';
export { MonitorPipeline, type MonitorPipelineOptions } from './monitor-pipeline';
export type { EventMeta, EventOf, EventSource, ProvisionEvent, ProvisionEventType, ProvisionRole } from './provision-event';
export { REDACTED, RedactionStream, Redactor, type RedactorOptions, type Secret, type SecretKind } from './redactor';
export { suggestsWrongPassword, wifiReasonName, wifiReasonText } from './wifi-reason';
