import { describe, expect, it } from "vitest";
import { cidrProblem, routeTableCidrBlock } from "../../../src/domain/peering/fields.js";
import { validatePeeringSettings } from "../../../src/domain/peering/request.js";

const FORM = "must be an IPv4 CIDR block a.b.c.d/n with octets 0-255 and a prefix 0-32, e.g. 10.15.0.0/16";
const NOT_PRIVATE = "is not a private network; must be within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";

describe("routeTableCidrBlock", () => {
  it.each([
    "10.0.0.0/8",
    "10.15.0.0/16",
    "10.15.0.0/24",
    "10.255.255.255/32",
    "172.16.0.0/12",
    "172.31.0.0/16",
    "192.168.0.0/16",
    "192.168.1.128/25",
  ])("accepts the private network %s", (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
    expect(routeTableCidrBlock.safeParse(cidr).success).toBe(true);
  });

  it.each([
    ["10.0.0.5/24", "10.0.0.5/24 has host bits set; did you mean 10.0.0.0/24?"],
    ["172.16.5.4/12", "172.16.5.4/12 has host bits set; did you mean 172.16.0.0/12?"],
    ["192.168.1.1/16", "192.168.1.1/16 has host bits set; did you mean 192.168.0.0/16?"],
    ["10.0.0.0/33", `10.0.0.0/33 has a prefix above 32 or with a leading zero; ${FORM}`],
    ["10.0.0.0/08", `10.0.0.0/08 has a prefix above 32 or with a leading zero; ${FORM}`],
    ["256.0.0.0/8", `256.0.0.0/8 has an octet above 255 or with a leading zero; ${FORM}`],
    ["10.0.0.256/32", `10.0.0.256/32 has an octet above 255 or with a leading zero; ${FORM}`],
    ["010.0.0.0/8", `010.0.0.0/8 has an octet above 255 or with a leading zero; ${FORM}`],
    ["10.01.0.0/16", `10.01.0.0/16 has an octet above 255 or with a leading zero; ${FORM}`],
    ["8.8.8.0/24", `8.8.8.0/24 ${NOT_PRIVATE}`],
    ["172.32.0.0/16", `172.32.0.0/16 ${NOT_PRIVATE}`],
    ["172.15.0.0/16", `172.15.0.0/16 ${NOT_PRIVATE}`],
    ["172.0.0.0/11", `172.0.0.0/11 ${NOT_PRIVATE}`],
    ["192.169.0.0/16", `192.169.0.0/16 ${NOT_PRIVATE}`],
    ["0.0.0.0/0", `0.0.0.0/0 ${NOT_PRIVATE}`],
    ["10.15.0.0", FORM],
    ["10.15.0/16", FORM],
    [" 10.15.0.0/16", FORM],
    ["10.15.0.0/16 ", FORM],
    ["fd00::/8", FORM],
    ["", FORM],
  ])("refuses %j: %s", (cidr, message) => {
    expect(cidrProblem(cidr)).toBe(message);
    const result = validatePeeringSettings({ routeTableCidrBlock: cidr }, "partial");
    expect(result).toEqual({ ok: false, errors: [{ path: "routeTableCidrBlock", message }] });
  });
});
