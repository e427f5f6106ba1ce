#!/usr/bin/env python3
"""An independent RFC2217 client for the lab's conformance test: pySerial (Debian's python3-serial).

Opens rfc2217://HOST:PORT, resets the board the way esptool does through pySerial's API (its classic and
USB-JTAG sequences, with esptool's timings and the DTR repeat after every RTS change), waits for the ROM
banner of download mode, sends SYNC and checks the answer, then pulses RTS and reads the boot from flash.
Prints one JSON object per step on stdout; the node:test e2e test (test/e2e/lab/pyserial-rfc2217.test.ts)
judges them. Written for this project; no code of esptool's.

usage: rfc2217_reset_check.py URL [classic|usb-jtag|hard ...]
"""
import json
import sys
import time

import serial

# esptool's timings (esptool/reset.py): EN held low 100 ms, GPIO0 held low 50 ms after EN rises.
RESET_HOLD_S = 0.1
BOOT_HOLD_S = 0.05

# SYNC: command 0x08, payload 07 07 12 20 followed by 32 bytes of 0x55 (esptool's ESPLoader.sync).
SYNC_PAYLOAD = bytes([0x07, 0x07, 0x12, 0x20]) + bytes([0x55] * 32)


def set_rts(port, on):
    # esptool repeats DTR after each RTS change (usbser.sys on Windows only sends both lines together).
    port.rts = on
    port.dtr = port.dtr


def classic_reset(port):
    port.dtr = False
    set_rts(port, True)
    time.sleep(RESET_HOLD_S)
    port.dtr = True
    set_rts(port, False)
    time.sleep(BOOT_HOLD_S)
    port.dtr = False


def usb_jtag_reset(port):
    set_rts(port, False)
    port.dtr = False
    time.sleep(0.1)
    port.dtr = True
    set_rts(port, False)
    time.sleep(0.1)
    set_rts(port, True)
    port.dtr = False
    set_rts(port, True)
    time.sleep(0.1)
    port.dtr = False
    set_rts(port, False)


def hard_reset(port):
    set_rts(port, True)
    time.sleep(0.1)
    set_rts(port, False)


def slip(packet):
    return b'\xc0' + packet.replace(b'\xdb', b'\xdb\xdd').replace(b'\xc0', b'\xdb\xdc') + b'\xc0'


def unslip_frames(data):
    frames = []
    for chunk in data.split(b'\xc0'):
        if chunk:
            frames.append(chunk.replace(b'\xdb\xdc', b'\xc0').replace(b'\xdb\xdd', b'\xdb'))
    return frames


def read_until(port, needles, timeout):
    """Reads until one of `needles` appears or `timeout` s pass; returns everything read."""
    got = b''
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got += port.read(port.in_waiting or 1)
        if any(n in got for n in needles):
            # Whatever else the same burst carries (the rest of a line) comes within a few ms.
            time.sleep(0.05)
            got += port.read(port.in_waiting)
            break
    return got


def sync(port):
    """Sends SYNC like esptool (a few tries, 100 ms apart); returns the first SYNC answer's bytes or None."""
    request = bytes([0x00, 0x08]) + len(SYNC_PAYLOAD).to_bytes(2, 'little') + bytes(4) + SYNC_PAYLOAD
    for _ in range(5):
        port.reset_input_buffer()
        port.write(slip(request))
        data = read_until(port, [b'\xc0'], 0.1)
        data += read_until(port, [b'\xc0'], 0.1)
        for f in unslip_frames(data):
            if len(f) >= 8 and f[0] == 0x01 and f[1] == 0x08:
                return f
    return None


def main():
    url = sys.argv[1]
    steps = sys.argv[2:] or ['classic', 'usb-jtag', 'hard']
    # As esptool opens a port: exclusive, 115200, short read timeout. pySerial's RFC2217 client waits for
    # the server's answer to every SET-CONTROL (>= 50 ms each), which is what breaks naive servers.
    port = serial.serial_for_url(url, baudrate=115200, timeout=0.05, do_not_open=True)
    port.dtr = False
    port.rts = False
    port.open()
    try:
        for step in steps:
            t0 = time.monotonic()
            if step == 'hard':
                hard_reset(port)
                # The ROM's boot from flash, then the app's first event line (or the ROM's complaint).
                out = read_until(port, [b'PROV_EVT: boot ', b'invalid header'], 5)
                print(json.dumps({'step': step, 'text': out.decode('latin-1'), 'ms': round((time.monotonic() - t0) * 1000)}), flush=True)
                continue
            (classic_reset if step == 'classic' else usb_jtag_reset)(port)
            banner = read_until(port, [b'waiting for download'], 2)
            answer = sync(port)
            print(json.dumps({
                'step': step,
                'text': banner.decode('latin-1'),
                'sync': answer.hex() if answer else None,
                'ms': round((time.monotonic() - t0) * 1000),
            }), flush=True)
    finally:
        port.close()


if __name__ == '__main__':
    main()
