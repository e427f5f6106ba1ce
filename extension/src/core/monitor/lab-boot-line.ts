/**
 * The console line a virtual board prints when the lab cannot start its firmware at all:
 * `E (<ms>) lab: the virtual board could not start its firmware: <why>`. The lab writes it, the monitor
 * recognises it and the failure table words the reason with it, so all three read the words from here.
 */
export const LAB_LOG_TAG = 'lab';
export const FIRMWARE_NOT_STARTED = 'the virtual board could not start its firmware';
