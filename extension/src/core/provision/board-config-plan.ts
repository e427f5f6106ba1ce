import { ProvisionError } from '../common/errors';
import { findNvsPartition, parsePartitionTable, PARTITION_TABLE_OFFSET } from '../build/image/partition-table-reader';
import { md5Hex, type FlashPlan, type FlashRegion } from '../flash/flash-plan';
import { boardConfigPartition, type BoardConfig } from './board-config';

/** Name of the generated region in a plan (there is no file behind it). */
export const BOARD_CONFIG_REGION = 'nvs (board configuration)';

/** The build's NVS partition, from the partition table the plan itself flashes. */
export function nvsPartitionOf(plan: FlashPlan): { offset: number; size: number } {
  const table = plan.regions.find((r) => r.offset === PARTITION_TABLE_OFFSET);
  if (!table) throw new ProvisionError('build', `The build in ${plan.buildDir} flashes no partition table at 0x8000, so there is no NVS partition for the board's configuration.`, undefined, 'Rebuild the firmware from the project in this extension.');
  let nvs;
  try {
    nvs = findNvsPartition(parsePartitionTable(table.data));
  } catch (e) {
    throw new ProvisionError('build', `The partition table of ${plan.buildDir} cannot be read: ${e instanceof Error ? e.message : String(e)}.`, undefined, 'Rebuild the firmware.', { cause: e });
  }
  if (!nvs) throw new ProvisionError('build', `The partition table of ${plan.buildDir} has no NVS partition for the board's configuration.`, undefined, 'Add an "nvs" data partition (ESP-IDF\'s default tables have one) and rebuild.');
  return { offset: nvs.offset, size: nvs.size };
}

/**
 * One board's plan: the build's regions plus its NVS partition. With a configuration, the partition holds
 * it (per-board values over the image's menuconfig ones); without one (credentials in menuconfig), the
 * partition is written erased, so values an earlier run left there cannot override the image.
 */
export function withBoardConfig(plan: FlashPlan, config: BoardConfig | undefined): FlashPlan {
  const { offset, size } = nvsPartitionOf(plan);
  const data = config ? boardConfigPartition(config, size) : Buffer.alloc(size, 0xff);
  const region: FlashRegion = { offset, name: BOARD_CONFIG_REGION, file: '', data, md5: md5Hex(data) };
  const regions = [...plan.regions.filter((r) => r.offset !== offset), region].sort((a, b) => a.offset - b.offset);
  return { ...plan, regions, totalBytes: regions.reduce((n, r) => n + r.data.length, 0) };
}

/** Only the board's NVS partition: what Update Credentials writes (the app on the board stays). */
export function boardConfigOnly(plan: FlashPlan, config: BoardConfig): FlashPlan {
  const full = withBoardConfig(plan, config);
  const regions = full.regions.filter((r) => r.name === BOARD_CONFIG_REGION);
  return { ...full, regions, totalBytes: regions.reduce((n, r) => n + r.data.length, 0) };
}
