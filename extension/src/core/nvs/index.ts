/** ESP-IDF NVS partitions: a writer for per-board configuration images and a reader for dumps and the lab. */
export { writeNvsPartition, NVS_MIN_PARTITION_SIZE, NVS_BLOB_MAX } from './nvs-writer';
export { readNvsPartition, type NvsValue, type NvsPartitionContents } from './nvs-reader';
export { type NvsEntry } from './nvs-entry';
export { type NvsType, type NvsIntegerType, NVS_KEY_MAX, NVS_STRING_MAX, NVS_PAGE_SIZE } from './nvs-format';
export { type NvsPageScan, type NvsPageState, type NvsSkippedEntry } from './nvs-page-reader';
export { nvsCrc32 } from './crc32';
export { nvsValueText } from './nvs-value-text';
