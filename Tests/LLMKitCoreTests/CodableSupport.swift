import Foundation

enum JSONEncoderForTests {
    static func encode<T: Encodable>(_ v: T) throws -> [UInt8] { [UInt8](try JSONEncoder().encode(v)) }
}

enum JSONDecoderForTests {
    static func decode<T: Decodable>(_ t: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(t, from: Data(bytes))
    }
}
