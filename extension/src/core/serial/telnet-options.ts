import { Telnet } from './telnet-codes';

type OptionState = 'off' | 'requested' | 'on';

/**
 * Telnet option negotiation for both directions of each option (RFC 1143's rule, simplified): answer a
 * request only when it changes the state, never answer an acknowledgement. That rule is what stops two
 * peers from echoing WILL/DO at each other forever, and what lets the peer's request and our own cross on
 * the wire without either side replying twice (pyserial's client and server both send their requests
 * at once on connect).
 */
export class TelnetOptions {
  /** Options we perform (WILL/WONT, the peer says DO/DONT). */
  private readonly local = new Map<number, OptionState>();
  /** Options the peer performs (DO/DONT from us, WILL/WONT from the peer). */
  private readonly remote = new Map<number, OptionState>();

  constructor(
    private readonly send: (command: number, option: number) => void,
    private readonly supportedLocal: ReadonlySet<number>,
    private readonly supportedRemote: ReadonlySet<number>,
    /** Called whenever an option's state settles, e.g. to start RFC2217 once COM-PORT-OPTION is on. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  isLocalOn(option: number): boolean {
    return this.local.get(option) === 'on';
  }

  isRemoteOn(option: number): boolean {
    return this.remote.get(option) === 'on';
  }

  /** Offers to perform an option (sends WILL unless it is already on or offered). */
  offerLocal(option: number): void {
    if ((this.local.get(option) ?? 'off') !== 'off') return;
    this.local.set(option, 'requested');
    this.send(Telnet.WILL, option);
  }

  /** Asks the peer to perform an option (sends DO unless already on or asked). */
  askRemote(option: number): void {
    if ((this.remote.get(option) ?? 'off') !== 'off') return;
    this.remote.set(option, 'requested');
    this.send(Telnet.DO, option);
  }

  /** Handles one received WILL/WONT/DO/DONT. */
  receive(command: number, option: number): void {
    switch (command) {
      case Telnet.DO:
        this.positive(this.local, option, this.supportedLocal, Telnet.WILL, Telnet.WONT);
        break;
      case Telnet.DONT:
        this.negative(this.local, option, Telnet.WONT);
        break;
      case Telnet.WILL:
        this.positive(this.remote, option, this.supportedRemote, Telnet.DO, Telnet.DONT);
        break;
      case Telnet.WONT:
        this.negative(this.remote, option, Telnet.DONT);
        break;
    }
  }

  private positive(states: Map<number, OptionState>, option: number, supported: ReadonlySet<number>, yes: number, no: number): void {
    const state = states.get(option) ?? 'off';
    if (state === 'on') return;
    if (state === 'requested') {
      states.set(option, 'on');
    } else if (supported.has(option)) {
      states.set(option, 'on');
      this.send(yes, option);
    } else {
      this.send(no, option);
      return;
    }
    this.onChange();
  }

  private negative(states: Map<number, OptionState>, option: number, no: number): void {
    const state = states.get(option) ?? 'off';
    if (state === 'off') return;
    states.set(option, 'off');
    // A refusal of our own request needs no answer; turning off an active option is acknowledged.
    if (state === 'on') this.send(no, option);
    this.onChange();
  }
}
