import type { Disposable } from '../../core/common/disposable';
import { encodeComPort, encodeNegotiation, escapeIac, readU32be, TelnetDecoder, u32be } from '../../core/serial/telnet-codec';
import { ComPort, Control, LineState, Purge, SERVER_OFFSET, TelnetOption } from '../../core/serial/telnet-codes';
import { TelnetOptions } from '../../core/serial/telnet-options';
import type { ComPortModel } from './com-port';
import { ResetPlayer, ResetSequenceRecognizer, type Lines } from './reset-sequence';

const OPTIONS = new Set<number>([TelnetOption.BINARY, TelnetOption.SGA, TelnetOption.COM_PORT]);

/**
 * The server side of one RFC2217 connection, without the socket: bytes in through `receive`, bytes out
 * through the `send` callback. Kept apart from the TCP server so every negotiation can be unit-tested.
 * DTR/RTS go through a reset-sequence recogniser, as on esptool's RFC2217 server (reset-sequence.ts).
 */
export class Rfc2217Session implements Disposable {
  private readonly decoder = new TelnetDecoder();
  private readonly options: TelnetOptions;
  private modemMask = 0xff;
  private lineMask = 0;
  private notifiedModem = false;
  /** FLOWCONTROL-SUSPEND from the client: hold board output until RESUME. */
  private suspended = false;
  private held: Uint8Array[] = [];
  private readonly resets = new ResetSequenceRecognizer();
  private readonly player: ResetPlayer;

  constructor(
    private readonly port: ComPortModel,
    private readonly send: (bytes: Uint8Array) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.options = new TelnetOptions((cmd, opt) => this.send(encodeNegotiation(cmd, opt)), OPTIONS, OPTIONS, () => this.onOptionsChanged());
    this.player = new ResetPlayer((lines) => this.drive(lines));
  }

  /** Stops a reset being played (the connection is gone; the board releases the lines itself). */
  dispose(): void {
    this.player.dispose();
  }

  /** Sends the server's opening requests, as pyserial's PortManager and esptool's server do. */
  start(): void {
    this.options.offerLocal(TelnetOption.BINARY);
    this.options.askRemote(TelnetOption.BINARY);
    this.options.offerLocal(TelnetOption.SGA);
    this.options.offerLocal(TelnetOption.COM_PORT);
  }

  /** True once the client agreed to COM-PORT-OPTION in either direction. */
  get isRfc2217(): boolean {
    return this.options.isRemoteOn(TelnetOption.COM_PORT) || this.options.isLocalOn(TelnetOption.COM_PORT);
  }

  /** Bytes from the client. */
  receive(chunk: Uint8Array): void {
    for (const ev of this.decoder.decode(chunk)) {
      if (ev.kind === 'data') this.port.write(ev.data);
      else if (ev.kind === 'negotiate') this.options.receive(ev.command, ev.option);
      else if (ev.kind === 'subnegotiation') {
        if (ev.option === TelnetOption.COM_PORT && ev.payload.length > 0) this.comPort(ev.payload[0], ev.payload.subarray(1));
        else this.log(`ignored subnegotiation for telnet option ${ev.option}`);
      }
    }
  }

  /** Board output to the client (escaped here). Held while the client has suspended the flow. */
  sendData(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.suspended) this.held.push(data);
    else this.send(escapeIac(data));
  }

  /** Drops board output held for a suspended client (PURGE transmit buffer). */
  purgeHeld(): void {
    this.held = [];
  }

  private onOptionsChanged(): void {
    if (this.isRfc2217 && !this.notifiedModem) {
      this.notifiedModem = true;
      this.reply(ComPort.NOTIFY_MODEMSTATE, Uint8Array.of(this.port.modemState & this.modemMask));
    }
  }

  private reply(subCommand: number, value: Uint8Array): void {
    this.send(encodeComPort(subCommand + SERVER_OFFSET, value));
  }

  private comPort(sub: number, value: Uint8Array): void {
    const first = value.length > 0 ? value[0] : 0;
    switch (sub) {
      case ComPort.SIGNATURE:
        // An empty SIGNATURE asks for ours; a client that sends its own expects no answer.
        if (value.length === 0) this.reply(sub, new TextEncoder().encode('ESP-NOW Provision virtual board'));
        break;
      case ComPort.SET_BAUDRATE: {
        const baud = readU32be(value) ?? 0;
        if (baud !== 0) this.port.setLineBaud(baud);
        this.reply(sub, u32be(this.port.lineBaud));
        break;
      }
      case ComPort.SET_DATASIZE:
        if (first >= 5 && first <= 8) this.port.setFrame({ dataBits: first });
        this.reply(sub, Uint8Array.of(this.port.frame.dataBits));
        break;
      case ComPort.SET_PARITY:
        if (first >= 1 && first <= 5) this.port.setFrame({ parity: first });
        this.reply(sub, Uint8Array.of(this.port.frame.parity));
        break;
      case ComPort.SET_STOPSIZE:
        if (first >= 1 && first <= 3) this.port.setFrame({ stopBits: first });
        this.reply(sub, Uint8Array.of(this.port.frame.stopBits));
        break;
      case ComPort.SET_CONTROL:
        this.reply(sub, Uint8Array.of(this.control(first)));
        break;
      case ComPort.NOTIFY_LINESTATE:
        // A poll: the bridge's transmitter is idle as far as the host can tell.
        this.reply(sub, Uint8Array.of(LineState.SHIFT_REGISTER_EMPTY | LineState.HOLDING_REGISTER_EMPTY));
        break;
      case ComPort.NOTIFY_MODEMSTATE:
        this.reply(sub, Uint8Array.of(this.port.modemState & this.modemMask));
        break;
      case ComPort.FLOWCONTROL_SUSPEND:
        this.suspended = true;
        break;
      case ComPort.FLOWCONTROL_RESUME: {
        this.suspended = false;
        const held = this.held;
        this.held = [];
        for (const d of held) this.send(escapeIac(d));
        break;
      }
      case ComPort.SET_LINESTATE_MASK:
        this.lineMask = first;
        this.reply(sub, Uint8Array.of(this.lineMask));
        break;
      case ComPort.SET_MODEMSTATE_MASK:
        this.modemMask = first;
        this.reply(sub, Uint8Array.of(this.modemMask));
        break;
      case ComPort.PURGE_DATA:
        if (first >= Purge.RECEIVE && first <= Purge.BOTH) {
          const toHost = first !== Purge.RECEIVE;
          this.port.purge(first !== Purge.TRANSMIT, toHost);
          if (toHost) this.purgeHeld();
          this.reply(sub, Uint8Array.of(first));
        } else {
          this.log(`PURGE-DATA with unknown value ${first}`);
        }
        break;
      default:
        this.log(`ignored COM-PORT-OPTION sub-command ${sub}`);
    }
  }

  /** Applies one SET-CONTROL value and returns the value to answer with (the state for queries). */
  private control(v: number): number {
    switch (v) {
      case Control.REQ_FLOW:
        return Control.FLOW_NONE;
      case Control.REQ_BREAK:
        return this.port.breakOn ? Control.BREAK_ON : Control.BREAK_OFF;
      case Control.BREAK_ON:
      case Control.BREAK_OFF:
        this.port.setBreak(v === Control.BREAK_ON);
        return v;
      case Control.REQ_DTR:
        return this.resets.lines.dtr ? Control.DTR_ON : Control.DTR_OFF;
      case Control.DTR_ON:
      case Control.DTR_OFF:
        this.line('dtr', v === Control.DTR_ON);
        return v;
      case Control.REQ_RTS:
        return this.resets.lines.rts ? Control.RTS_ON : Control.RTS_OFF;
      case Control.RTS_ON:
      case Control.RTS_OFF:
        this.line('rts', v === Control.RTS_ON);
        return v;
      case Control.REQ_FLOW_IN:
        return Control.FLOW_IN_NONE;
      default:
        // Flow-control choices: a dev board wires no CTS/RTS flow control, so they are acknowledged and
        // have no effect, as on a bridge whose flow-control pins are not connected.
        return v;
    }
  }

  private line(which: 'dtr' | 'rts', on: boolean): void {
    const action = this.resets.set(which, on);
    if (action.kind === 'bootloader') {
      this.log('reset sequence recognised: playing the bootloader reset');
      this.player.bootloader();
    } else if (action.kind === 'lines') {
      this.player.lines(action.lines);
    }
  }

  /** DTR first: every step of the played reset then passes only through states its wiring tolerates. */
  private drive(lines: Lines): void {
    if (this.port.dtr !== lines.dtr) this.port.setDtr(lines.dtr);
    if (this.port.rts !== lines.rts) this.port.setRts(lines.rts);
  }
}
