import { Ip2Error } from '../../agent/errors.ts';

export type FlashErrorCode =
  | 'FLASH_NOT_AN_IMAGE'
  | 'FLASH_NOT_RASPBERRY_PI_OS'
  | 'FLASH_HOST_DISK'
  | 'FLASH_DEVICE_MOUNTED'
  | 'FLASH_NOT_A_BLOCK_DEVICE'
  | 'FLASH_NO_SPACE'
  | 'FLASH_BAD_RELEASE'
  | 'FLASH_BAD_PROVISION'
  | 'FLASH_TOOL_MISSING'
  | 'FLASH_TOOL_FAILED'
  | 'FLASH_VERIFY_FAILED';

export class FlashError extends Ip2Error {
  override readonly name = 'FlashError';
  constructor(
    readonly code: FlashErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, options);
  }
}
