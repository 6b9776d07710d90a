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
}

/** registered → in area → temp exit → exited (DOMAIN.md §3). */
export type SessionState = "registered" | "in_area" | "temp_exit" | "exited";

export interface ClockExtension {
  readonly newLimitH: number;
  readonly approver: string;
  readonly reason: string;
  readonly at: number;
}

export interface ClockPause {
  readonly reason: string; // e.g. sobering restraint (R07)
  readonly from: number;
  readonly to?: number;
}

export type ProcessStep = "security_check" | "belongings" | "info_capture";

export interface InterrogationSession {
  readonly interrogationId: string;
  readonly roomId: string;
  readonly officerIds: readonly string[];
  /** 讯问 (criminal), 询问 (interview/admin), or a task one officer may do when recorded (R13 exception). */
  readonly kind: "interrogation" | "interview" | "single_recorded_task";
  readonly recorderChannels: readonly string[];
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly guardianPresent?: boolean; // R26
  readonly breaks: readonly { from: number; to?: number }[]; // R24
}

export interface TempExit {
  readonly reason: "identify_scene" | "identify_body" | "recover_stolen" | "medical" | "other";
  readonly approver: string;
  readonly at: number;
  readonly plannedReturnAt: number;
  readonly returnedAt?: number;
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
}
