import type { PersonRole } from "../core/envelope.js";

/**
 * The custody model (DOMAIN.md §3, §7, §8.2, §9 code names). Plain data: the custody service
 * changes it through commands, the rules read it through `CustodyView` (src/rules/view.ts).
 * Times are gateway epoch ms unless named otherwise.
 */
export type Sex = "male" | "female" | "unknown";

/** 特殊群体 / 重点监护 (R06, R09, R25, R26). */
export type VulnerableFlag =
  | "pregnant"
  | "nursing_infant" // nursing an infant under one year
  | "minor"
  | "elderly" // 70 or older
  | "disabled"
  | "ill"
  | "drunk"
  | "suicide_risk"
  | "special_category";

export const VULNERABLE_FLAGS: readonly VulnerableFlag[] = [
  "pregnant",
  "nursing_infant",
  "minor",
  "elderly",
  "disabled",
  "ill",
  "drunk",
  "suicide_risk",
  "special_category",
];

/** 到案方式 (glossary `LegalBasis.*`). Determines the custody clock (R03–R06). */
export type LegalBasis =
  | "summons" // 传唤 (criminal)
  | "verbal_summons" // 口头传唤
  | "compelled_appearance" // 拘传
  | "admin_questioning" // 询问查证 (administrative)
  | "continued_questioning" // 继续盘问
  | "criminal_detention" // 刑事拘留 (in transit to the detention center)
  | "arrest" // 逮捕
  | "other";

export const LEGAL_BASES: readonly LegalBasis[] = [
  "summons",
  "verbal_summons",
  "compelled_appearance",
  "admin_questioning",
  "continued_questioning",
  "criminal_detention",
  "arrest",
  "other",
];

export interface Person {
  readonly personId: string;
  readonly role: PersonRole;
  readonly name?: string;
  /** National ID or passport number: links sessions of the same person (R31). */
  readonly idNumber?: string;
  readonly sex: Sex;
  /** ISO date; preferred over `ageYears` because age changes during long custody. */
  readonly birthDate?: string;
  readonly ageYears?: number;
  readonly vulnerable: readonly VulnerableFlag[];
  readonly caseNos: readonly string[];
  readonly incidentNos: readonly string[];
  /** Persons of the same case (同案), explicit links beyond shared case numbers. */
  readonly coCaseLinks: readonly string[];
  /** Reference to the identity record / photo held by the case platform (never the image itself). */
  readonly identityRef?: string;
  readonly photoRef?: string;
  readonly arrestingOfficerIds?: readonly string[];
  readonly registeredAt?: number;
  /** Per-person rule parameters where the law allows them, by rule id (R20 heart-rate range, R25 patrol interval). */
  readonly ruleParams?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** registered → in area → temp exit → exited (DOMAIN.md §3). */
export type SessionState = "registered" | "in_area" | "temp_exit" | "exited";

export interface ClockExtension {
  readonly newLimitH: number;
  readonly approver: string;
  readonly reason: string;
  readonly at: number;
  /** Set when a pre-check was overridden to record it (e.g. approval recorded after the deadline). */
  readonly override?: OverrideRecord;
}

export interface ClockPause {
  readonly reason: string; // e.g. sobering restraint (R07)
  readonly from: number;
  readonly to?: number;
}

/**
 * Where the legal clock stands, in marks of the gateway's legal timebase (clock-guard.ts), not
 * wall time: a mark difference is time that really passed, whatever the wall clock did.
 */
export interface SessionClock {
  readonly startMark: number;
  /** Paused time already closed (sobering restraint, R07). */
  readonly pausedMs: number;
  /** Mark at which the open pause began. */
  readonly pausedSinceMark?: number;
  /** Mark at exit: the clock stops. */
  readonly endMark?: number;
}

export type ProcessStep = "security_check" | "belongings" | "info_capture";
export const PROCESS_STEPS: readonly ProcessStep[] = ["security_check", "belongings", "info_capture"];

export type InterrogationKind = "interrogation" | "interview" | "single_recorded_task";

export interface InterrogationSession {
  readonly interrogationId: string;
  readonly roomId: string;
  readonly officerIds: readonly string[];
  /** 讯问 (criminal), 询问 (interview/admin), or a task one officer may do when recorded (R13 exception). */
  readonly kind: InterrogationKind;
  readonly recorderChannels: readonly string[];
  readonly startedAt: number;
  readonly endedAt?: number;
  /** 核对笔录: room power may go off 10 min later (R23). */
  readonly verifiedAt?: number;
  readonly guardianPresent?: boolean; // R26
  readonly breaks: readonly { from: number; to?: number }[]; // R24
}

export type TempExitReason = "identify_scene" | "identify_body" | "recover_stolen" | "medical" | "other";
export const TEMP_EXIT_REASONS: readonly TempExitReason[] = ["identify_scene", "identify_body", "recover_stolen", "medical", "other"];

export interface TempExit {
  readonly reason: TempExitReason;
  readonly approver: string;
  readonly at: number;
  readonly plannedReturnAt: number;
  readonly returnedAt?: number;
  readonly note?: string;
}

export interface ExitRecord {
  readonly at: number;
  readonly destination: string;
  readonly outcome: string;
  readonly by: string;
  readonly belongingsReturned: boolean;
  readonly familyPickup?: boolean; // R06: release between 21:00 and 07:00
  readonly faceMatchScore?: number;
}

export type WelfareKind = "meal" | "water" | "rest" | "toilet" | "medical";
export const WELFARE_KINDS: readonly WelfareKind[] = ["meal", "water", "rest", "toilet", "medical"];

/** Who asked for a change that bypassed a needs-override pre-check, and which codes it bypassed. */
export interface OverrideRecord {
  readonly by: string;
  readonly reason: string;
  readonly codes: readonly string[];
  readonly at: number;
}

export interface CustodySession {
  readonly sessionId: string;
  readonly personId: string;
  readonly legalBasis: LegalBasis;
  /** 到案时间 as given by the operator (else bind time): the legal start of the clock (R03). */
  readonly arrivalAt: number;
  readonly state: SessionState;
  /** Limit in hours before extensions; extensions raise it (R04). */
  readonly baseLimitH: number;
  readonly extensions: readonly ClockExtension[];
  readonly pauses: readonly ClockPause[];
  readonly mayBeDetained?: boolean; // administrative 24 h tier
  readonly tagIds: readonly string[];
  readonly holdingRoomId?: string;
  readonly assignedInterrogationRoomId?: string;
  readonly escortOfficerIds: readonly string[];
  readonly interrogations: readonly InterrogationSession[];
  readonly steps: Partial<Record<ProcessStep, number>>;
  readonly welfare: readonly { kind: WelfareKind; at: number; by: string }[];
  readonly tempExit?: TempExit;
  readonly exit?: ExitRecord;
  readonly registeredAt?: number;
  /** "bind" when no arrival time was given: the clock starts at the first bind (R03). */
  readonly arrivalSource?: "operator" | "bind";
  /** Continued questioning of a person whose identity is unknown may step to 48 h (Order 75 Art. 11). */
  readonly identityUnknown?: boolean;
  /** R06 applies: 4 h deadline, no holding room, night release needs family pickup. */
  readonly vulnerableFastTrack?: boolean;
  /** Absent until the clock has started (registered without arrival time and not yet bound). */
  readonly clock?: SessionClock;
  readonly holdingSince?: number;
  readonly holdingOverride?: OverrideRecord;
  readonly belongingsReturnedAt?: number;
}

/** The custody clock of a session at one instant (clock.ts). Durations are legal time. */
export interface CustodyClockReading {
  readonly sessionId: string;
  readonly legalBasis: LegalBasis;
  readonly arrivalAt: number;
  /** Started and not stopped by exit. */
  readonly running: boolean;
  readonly paused: boolean;
  readonly limitH: number;
  readonly limitMs: number;
  /** Counted custody time: since arrival, minus pauses (R07). */
  readonly elapsedMs: number;
  readonly pausedMs: number;
  /** Since arrival including pauses (time in the area). */
  readonly inAreaMs: number;
  readonly remainingMs: number;
  /** Wall time at which the limit falls if the clock keeps running, in the gateway's current wall frame. */
  readonly deadlineAt: number;
}
