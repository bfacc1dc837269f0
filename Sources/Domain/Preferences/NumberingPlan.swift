import Foundation

/// The ITU-T E.164 country calling codes in service, with what a number under each looks
/// like: how many digits follow the code (the national significant number, NSN), the ISO
/// 3166-1 regions it serves and the trunk prefix dialled before the NSN at home.
///
/// Lengths are those of numbers a person can be called on (fixed, mobile, VoIP, personal;
/// short service numbers are left out), from ITU-T's national numbering plans as
/// libphonenumber's metadata records them, capped so the whole number stays within E.164's 15
/// digits. North America is stricter: exactly 10 digits (see `PhoneNumber`). Codes are
/// prefix-free, so the first 1 to 3 digits of an international number name at most one.
public enum NumberingPlan {
    /// One country calling code and the shape of its numbers.
    public struct CallingCode: Sendable, Equatable {
        /// The code's digits, without `+`: "49".
        public let code: String
        /// How many digits follow the code.
        public let nationalDigits: ClosedRange<Int>
        /// ISO 3166-1 alpha-2 regions it serves, the main one first; empty for +800, +870 ….
        public let regions: [String]
        /// Dialled before the NSN within the country ("0"; "1" in North America; "8" in
        /// Russia); nil where the national form is the NSN itself (Italy, Spain, Denmark …).
        public let trunkPrefix: String?
        /// Where its numbers are, as a sentence names it: "numbers in Germany".
        public let place: String

        init(_ code: String, _ nationalDigits: ClosedRange<Int>, _ regions: [String], trunk: String?, _ place: String) {
            self.code = code
            self.nationalDigits = nationalDigits
            self.regions = regions
            self.trunkPrefix = trunk
            self.place = place
        }
    }

    /// The calling code with these digits ("49"), or nil when none is assigned.
    public static func callingCode(_ code: some StringProtocol) -> CallingCode? { byCode[String(code)] }

    /// The calling code a region dials under ("DE" → +49), letters in either case.
    public static func callingCode(region: some StringProtocol) -> CallingCode? { byRegion[region.uppercased()] }

    /// The calling code an international number's digits begin with ("4930123456" → +49).
    public static func callingCode(startOf digits: some StringProtocol) -> CallingCode? {
        for length in 1...3 where digits.count >= length {
            if let found = byCode[String(digits.prefix(length))] { return found }
        }
        return nil
    }

    /// A region the shopper chose, checked: two letters, served by a calling code.
    public static func callingCode(checkingRegion text: String) throws(DomainError) -> CallingCode {
        let letters = text.trimmingCharacters(in: .whitespaces)
        guard letters.count == 2, letters.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalid("country must be a two-letter code such as DE or GB, not '\(letters.prefix(40))'")
        }
        guard let found = callingCode(region: letters) else {
            throw .invalid("'\(letters.uppercased())' is not a country we can read numbers for; "
                + "write your number with + and its country code, e.g. +49 30 123456")
        }
        return found
    }

    private static let byCode: [String: CallingCode] = Dictionary(callingCodes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    private static let byRegion: [String: CallingCode] = Dictionary(
        callingCodes.flatMap { code in code.regions.map { ($0, code) } }, uniquingKeysWith: { first, _ in first })

    /// Every assigned code, in numeric order.
    public static let callingCodes: [CallingCode] = [
        CallingCode("1", 10...10, ["US", "CA", "AG", "AI", "AS", "BB", "BM", "BS", "DM", "DO", "GD", "GU", "JM", "KN", "KY", "LC",
                                   "MP", "MS", "PR", "SX", "TC", "TT", "VC", "VG", "VI"], trunk: "1", "North America"),
        CallingCode("7", 10...10, ["RU", "KZ"], trunk: "8", "Russia and Kazakhstan"),
        CallingCode("20", 8...10, ["EG"], trunk: "0", "Egypt"),
        CallingCode("27", 5...9, ["ZA"], trunk: "0", "South Africa"),
        CallingCode("30", 10...10, ["GR"], trunk: nil, "Greece"),
        CallingCode("31", 9...11, ["NL"], trunk: "0", "the Netherlands"),
        CallingCode("32", 8...9, ["BE"], trunk: "0", "Belgium"),
        CallingCode("33", 9...9, ["FR"], trunk: "0", "France"),
        CallingCode("34", 9...9, ["ES"], trunk: nil, "Spain"),
        CallingCode("36", 8...9, ["HU"], trunk: "06", "Hungary"),
        CallingCode("39", 6...12, ["IT", "VA"], trunk: nil, "Italy"),
        CallingCode("40", 6...9, ["RO"], trunk: "0", "Romania"),
        CallingCode("41", 9...9, ["CH"], trunk: "0", "Switzerland"),
        CallingCode("43", 4...13, ["AT"], trunk: "0", "Austria"),
        CallingCode("44", 9...10, ["GB", "GG", "IM", "JE"], trunk: "0", "the United Kingdom"),
        CallingCode("45", 8...8, ["DK"], trunk: nil, "Denmark"),
        CallingCode("46", 7...9, ["SE"], trunk: "0", "Sweden"),
        CallingCode("47", 8...8, ["NO", "SJ"], trunk: nil, "Norway"),
        CallingCode("48", 7...9, ["PL"], trunk: nil, "Poland"),
        CallingCode("49", 5...13, ["DE"], trunk: "0", "Germany"),
        CallingCode("51", 8...9, ["PE"], trunk: "0", "Peru"),
        CallingCode("52", 10...10, ["MX"], trunk: nil, "Mexico"),
        CallingCode("53", 6...10, ["CU"], trunk: "0", "Cuba"),
        CallingCode("54", 10...11, ["AR"], trunk: "0", "Argentina"),
        CallingCode("55", 10...11, ["BR"], trunk: "0", "Brazil"),
        CallingCode("56", 9...9, ["CL"], trunk: nil, "Chile"),
        CallingCode("57", 8...10, ["CO"], trunk: "0", "Colombia"),
        CallingCode("58", 10...10, ["VE"], trunk: "0", "Venezuela"),
        CallingCode("60", 8...10, ["MY"], trunk: "0", "Malaysia"),
        CallingCode("61", 9...9, ["AU", "CC", "CX"], trunk: "0", "Australia"),
        CallingCode("62", 7...12, ["ID"], trunk: "0", "Indonesia"),
        CallingCode("63", 6...10, ["PH"], trunk: "0", "the Philippines"),
        CallingCode("64", 8...10, ["NZ"], trunk: "0", "New Zealand"),
        CallingCode("65", 8...8, ["SG"], trunk: nil, "Singapore"),
        CallingCode("66", 8...9, ["TH"], trunk: "0", "Thailand"),
        CallingCode("81", 9...10, ["JP"], trunk: "0", "Japan"),
        CallingCode("82", 5...11, ["KR"], trunk: "0", "South Korea"),
        CallingCode("84", 9...10, ["VN"], trunk: "0", "Vietnam"),
        CallingCode("86", 7...11, ["CN"], trunk: "0", "China"),
        CallingCode("90", 10...10, ["TR"], trunk: "0", "Türkiye"),
        CallingCode("91", 10...10, ["IN"], trunk: "0", "India"),
        CallingCode("92", 9...10, ["PK"], trunk: "0", "Pakistan"),
        CallingCode("93", 9...9, ["AF"], trunk: "0", "Afghanistan"),
        CallingCode("94", 9...9, ["LK"], trunk: "0", "Sri Lanka"),
        CallingCode("95", 6...10, ["MM"], trunk: "0", "Myanmar"),
        CallingCode("98", 6...10, ["IR"], trunk: "0", "Iran"),
        CallingCode("211", 9...9, ["SS"], trunk: "0", "South Sudan"),
        CallingCode("212", 9...9, ["MA", "EH"], trunk: "0", "Morocco"),
        CallingCode("213", 8...9, ["DZ"], trunk: "0", "Algeria"),
        CallingCode("216", 8...8, ["TN"], trunk: nil, "Tunisia"),
        CallingCode("218", 9...9, ["LY"], trunk: "0", "Libya"),
        CallingCode("220", 7...9, ["GM"], trunk: nil, "the Gambia"),
        CallingCode("221", 9...9, ["SN"], trunk: nil, "Senegal"),
        CallingCode("222", 8...8, ["MR"], trunk: nil, "Mauritania"),
        CallingCode("223", 8...8, ["ML"], trunk: nil, "Mali"),
        CallingCode("224", 8...9, ["GN"], trunk: nil, "Guinea"),
        CallingCode("225", 10...10, ["CI"], trunk: nil, "Côte d’Ivoire"),
        CallingCode("226", 8...8, ["BF"], trunk: nil, "Burkina Faso"),
        CallingCode("227", 8...8, ["NE"], trunk: nil, "Niger"),
        CallingCode("228", 8...8, ["TG"], trunk: nil, "Togo"),
        CallingCode("229", 10...10, ["BJ"], trunk: nil, "Benin"),
        CallingCode("230", 7...8, ["MU"], trunk: nil, "Mauritius"),
        CallingCode("231", 7...9, ["LR"], trunk: "0", "Liberia"),
        CallingCode("232", 8...8, ["SL"], trunk: "0", "Sierra Leone"),
        CallingCode("233", 9...9, ["GH"], trunk: "0", "Ghana"),
        CallingCode("234", 10...10, ["NG"], trunk: "0", "Nigeria"),
        CallingCode("235", 8...8, ["TD"], trunk: nil, "Chad"),
        CallingCode("236", 8...8, ["CF"], trunk: nil, "the Central African Republic"),
        CallingCode("237", 9...9, ["CM"], trunk: nil, "Cameroon"),
        CallingCode("238", 7...7, ["CV"], trunk: nil, "Cape Verde"),
        CallingCode("239", 7...7, ["ST"], trunk: nil, "São Tomé and Príncipe"),
        CallingCode("240", 9...9, ["GQ"], trunk: nil, "Equatorial Guinea"),
        CallingCode("241", 7...8, ["GA"], trunk: nil, "Gabon"),
        CallingCode("242", 9...9, ["CG"], trunk: nil, "the Republic of the Congo"),
        CallingCode("243", 7...10, ["CD"], trunk: "0", "the Democratic Republic of the Congo"),
        CallingCode("244", 9...9, ["AO"], trunk: nil, "Angola"),
        CallingCode("245", 7...9, ["GW"], trunk: nil, "Guinea-Bissau"),
        CallingCode("246", 7...7, ["IO"], trunk: nil, "the British Indian Ocean Territory"),
        CallingCode("247", 5...5, ["AC"], trunk: nil, "Ascension Island"),
        CallingCode("248", 7...7, ["SC"], trunk: nil, "the Seychelles"),
        CallingCode("249", 9...9, ["SD"], trunk: "0", "Sudan"),
        CallingCode("250", 8...9, ["RW"], trunk: "0", "Rwanda"),
        CallingCode("251", 9...9, ["ET"], trunk: "0", "Ethiopia"),
        CallingCode("252", 6...9, ["SO"], trunk: "0", "Somalia"),
        CallingCode("253", 8...8, ["DJ"], trunk: nil, "Djibouti"),
        CallingCode("254", 7...9, ["KE"], trunk: "0", "Kenya"),
        CallingCode("255", 9...9, ["TZ"], trunk: "0", "Tanzania"),
        CallingCode("256", 9...9, ["UG"], trunk: "0", "Uganda"),
        CallingCode("257", 8...8, ["BI"], trunk: nil, "Burundi"),
        CallingCode("258", 8...9, ["MZ"], trunk: nil, "Mozambique"),
        CallingCode("260", 9...9, ["ZM"], trunk: "0", "Zambia"),
        CallingCode("261", 9...9, ["MG"], trunk: "0", "Madagascar"),
        CallingCode("262", 9...9, ["RE", "YT"], trunk: "0", "Réunion and Mayotte"),
        CallingCode("263", 9...10, ["ZW"], trunk: "0", "Zimbabwe"),
        CallingCode("264", 8...9, ["NA"], trunk: "0", "Namibia"),
        CallingCode("265", 7...9, ["MW"], trunk: "0", "Malawi"),
        CallingCode("266", 8...8, ["LS"], trunk: nil, "Lesotho"),
        CallingCode("267", 7...8, ["BW"], trunk: nil, "Botswana"),
        CallingCode("268", 8...8, ["SZ"], trunk: nil, "Eswatini"),
        CallingCode("269", 7...7, ["KM"], trunk: nil, "the Comoros"),
        CallingCode("290", 4...5, ["SH", "TA"], trunk: nil, "St. Helena"),
        CallingCode("291", 7...7, ["ER"], trunk: "0", "Eritrea"),
        CallingCode("297", 7...7, ["AW"], trunk: nil, "Aruba"),
        CallingCode("298", 6...6, ["FO"], trunk: nil, "the Faroe Islands"),
        CallingCode("299", 6...6, ["GL"], trunk: nil, "Greenland"),
        CallingCode("350", 8...8, ["GI"], trunk: nil, "Gibraltar"),
        CallingCode("351", 9...9, ["PT"], trunk: nil, "Portugal"),
        CallingCode("352", 4...11, ["LU"], trunk: nil, "Luxembourg"),
        CallingCode("353", 7...10, ["IE"], trunk: "0", "Ireland"),
        CallingCode("354", 7...9, ["IS"], trunk: nil, "Iceland"),
        CallingCode("355", 8...9, ["AL"], trunk: "0", "Albania"),
        CallingCode("356", 8...8, ["MT"], trunk: nil, "Malta"),
        CallingCode("357", 8...8, ["CY"], trunk: nil, "Cyprus"),
        CallingCode("358", 5...10, ["FI", "AX"], trunk: "0", "Finland"),
        CallingCode("359", 6...9, ["BG"], trunk: "0", "Bulgaria"),
        CallingCode("370", 8...8, ["LT"], trunk: "0", "Lithuania"),
        CallingCode("371", 8...8, ["LV"], trunk: nil, "Latvia"),
        CallingCode("372", 7...8, ["EE"], trunk: nil, "Estonia"),
        CallingCode("373", 8...8, ["MD"], trunk: "0", "Moldova"),
        CallingCode("374", 8...8, ["AM"], trunk: "0", "Armenia"),
        CallingCode("375", 9...9, ["BY"], trunk: "8", "Belarus"),
        CallingCode("376", 6...9, ["AD"], trunk: nil, "Andorra"),
        CallingCode("377", 8...9, ["MC"], trunk: "0", "Monaco"),
        CallingCode("378", 8...10, ["SM"], trunk: nil, "San Marino"),
        CallingCode("380", 9...9, ["UA"], trunk: "0", "Ukraine"),
        CallingCode("381", 7...12, ["RS"], trunk: "0", "Serbia"),
        CallingCode("382", 8...8, ["ME"], trunk: "0", "Montenegro"),
        CallingCode("383", 8...12, ["XK"], trunk: "0", "Kosovo"),
        CallingCode("385", 8...9, ["HR"], trunk: "0", "Croatia"),
        CallingCode("386", 8...8, ["SI"], trunk: "0", "Slovenia"),
        CallingCode("387", 8...9, ["BA"], trunk: "0", "Bosnia and Herzegovina"),
        CallingCode("389", 8...8, ["MK"], trunk: "0", "North Macedonia"),
        CallingCode("420", 9...9, ["CZ"], trunk: nil, "Czechia"),
        CallingCode("421", 6...9, ["SK"], trunk: "0", "Slovakia"),
        CallingCode("423", 7...9, ["LI"], trunk: "0", "Liechtenstein"),
        CallingCode("500", 5...5, ["FK"], trunk: nil, "the Falkland Islands"),
        CallingCode("501", 7...7, ["BZ"], trunk: nil, "Belize"),
        CallingCode("502", 8...8, ["GT"], trunk: nil, "Guatemala"),
        CallingCode("503", 8...8, ["SV"], trunk: nil, "El Salvador"),
        CallingCode("504", 8...8, ["HN"], trunk: nil, "Honduras"),
        CallingCode("505", 8...8, ["NI"], trunk: nil, "Nicaragua"),
        CallingCode("506", 8...8, ["CR"], trunk: nil, "Costa Rica"),
        CallingCode("507", 7...8, ["PA"], trunk: nil, "Panama"),
        CallingCode("508", 6...9, ["PM"], trunk: "0", "St. Pierre and Miquelon"),
        CallingCode("509", 8...8, ["HT"], trunk: nil, "Haiti"),
        CallingCode("590", 9...9, ["GP", "BL", "MF"], trunk: "0", "Guadeloupe and St. Martin"),
        CallingCode("591", 8...8, ["BO"], trunk: "0", "Bolivia"),
        CallingCode("592", 7...7, ["GY"], trunk: nil, "Guyana"),
        CallingCode("593", 8...9, ["EC"], trunk: "0", "Ecuador"),
        CallingCode("594", 9...9, ["GF"], trunk: "0", "French Guiana"),
        CallingCode("595", 7...9, ["PY"], trunk: "0", "Paraguay"),
        CallingCode("596", 9...9, ["MQ"], trunk: "0", "Martinique"),
        CallingCode("597", 6...7, ["SR"], trunk: nil, "Suriname"),
        CallingCode("598", 8...8, ["UY"], trunk: "0", "Uruguay"),
        CallingCode("599", 7...8, ["CW", "BQ"], trunk: nil, "Curaçao and the Caribbean Netherlands"),
        CallingCode("670", 7...8, ["TL"], trunk: nil, "Timor-Leste"),
        CallingCode("672", 6...6, ["NF"], trunk: nil, "Norfolk Island"),
        CallingCode("673", 7...7, ["BN"], trunk: nil, "Brunei"),
        CallingCode("674", 7...7, ["NR"], trunk: nil, "Nauru"),
        CallingCode("675", 7...8, ["PG"], trunk: nil, "Papua New Guinea"),
        CallingCode("676", 5...7, ["TO"], trunk: nil, "Tonga"),
        CallingCode("677", 5...7, ["SB"], trunk: nil, "the Solomon Islands"),
        CallingCode("678", 5...7, ["VU"], trunk: nil, "Vanuatu"),
        CallingCode("679", 7...7, ["FJ"], trunk: nil, "Fiji"),
        CallingCode("680", 7...7, ["PW"], trunk: nil, "Palau"),
        CallingCode("681", 6...6, ["WF"], trunk: nil, "Wallis and Futuna"),
        CallingCode("682", 5...5, ["CK"], trunk: nil, "the Cook Islands"),
        CallingCode("683", 4...7, ["NU"], trunk: nil, "Niue"),
        CallingCode("685", 5...10, ["WS"], trunk: nil, "Samoa"),
        CallingCode("686", 5...8, ["KI"], trunk: "0", "Kiribati"),
        CallingCode("687", 6...6, ["NC"], trunk: nil, "New Caledonia"),
        CallingCode("688", 5...7, ["TV"], trunk: nil, "Tuvalu"),
        CallingCode("689", 8...8, ["PF"], trunk: nil, "French Polynesia"),
        CallingCode("690", 4...7, ["TK"], trunk: nil, "Tokelau"),
        CallingCode("691", 7...7, ["FM"], trunk: nil, "Micronesia"),
        CallingCode("692", 7...7, ["MH"], trunk: "1", "the Marshall Islands"),
        CallingCode("800", 8...8, [], trunk: nil, "the international freephone service"),
        CallingCode("808", 8...8, [], trunk: nil, "the international shared-cost service"),
        CallingCode("850", 8...10, ["KP"], trunk: "0", "North Korea"),
        CallingCode("852", 8...8, ["HK"], trunk: nil, "Hong Kong"),
        CallingCode("853", 8...8, ["MO"], trunk: nil, "Macao"),
        CallingCode("855", 8...9, ["KH"], trunk: "0", "Cambodia"),
        CallingCode("856", 8...10, ["LA"], trunk: "0", "Laos"),
        CallingCode("870", 9...12, [], trunk: nil, "Inmarsat"),
        CallingCode("878", 12...12, [], trunk: nil, "the Universal Personal Telecommunications service"),
        CallingCode("880", 6...10, ["BD"], trunk: "0", "Bangladesh"),
        CallingCode("881", 9...10, [], trunk: nil, "global mobile satellite systems"),
        CallingCode("882", 7...12, [], trunk: nil, "international networks"),
        CallingCode("883", 8...12, [], trunk: nil, "international networks"),
        CallingCode("886", 8...11, ["TW"], trunk: "0", "Taiwan"),
        CallingCode("888", 11...11, [], trunk: nil, "the OCHA disaster relief service"),
        CallingCode("960", 7...7, ["MV"], trunk: nil, "the Maldives"),
        CallingCode("961", 7...8, ["LB"], trunk: "0", "Lebanon"),
        CallingCode("962", 8...9, ["JO"], trunk: "0", "Jordan"),
        CallingCode("963", 8...9, ["SY"], trunk: "0", "Syria"),
        CallingCode("964", 8...10, ["IQ"], trunk: "0", "Iraq"),
        CallingCode("965", 8...8, ["KW"], trunk: nil, "Kuwait"),
        CallingCode("966", 9...9, ["SA"], trunk: "0", "Saudi Arabia"),
        CallingCode("967", 7...9, ["YE"], trunk: "0", "Yemen"),
        CallingCode("968", 8...8, ["OM"], trunk: nil, "Oman"),
        CallingCode("970", 8...9, ["PS"], trunk: "0", "the Palestinian Territories"),
        CallingCode("971", 8...9, ["AE"], trunk: "0", "the United Arab Emirates"),
        CallingCode("972", 8...12, ["IL"], trunk: "0", "Israel"),
        CallingCode("973", 8...8, ["BH"], trunk: nil, "Bahrain"),
        CallingCode("974", 8...8, ["QA"], trunk: nil, "Qatar"),
        CallingCode("975", 7...8, ["BT"], trunk: nil, "Bhutan"),
        CallingCode("976", 8...10, ["MN"], trunk: "0", "Mongolia"),
        CallingCode("977", 8...10, ["NP"], trunk: "0", "Nepal"),
        CallingCode("979", 9...9, [], trunk: nil, "the international premium-rate service"),
        CallingCode("992", 9...9, ["TJ"], trunk: nil, "Tajikistan"),
        CallingCode("993", 8...8, ["TM"], trunk: "8", "Turkmenistan"),
        CallingCode("994", 9...9, ["AZ"], trunk: "0", "Azerbaijan"),
        CallingCode("995", 9...9, ["GE"], trunk: "0", "Georgia"),
        CallingCode("996", 9...9, ["KG"], trunk: "0", "Kyrgyzstan"),
        CallingCode("998", 9...9, ["UZ"], trunk: nil, "Uzbekistan"),
    ]
}
