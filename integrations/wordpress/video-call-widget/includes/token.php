<?php
/**
 * Room tokens: HS256 JWTs the video-call-widget server accepts when it runs with ROOM_TOKEN_SECRET.
 * Claims: room, iat, exp (required by the server), role (host | guest), name, sub.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** The secret shared with the server: VIDEO_CALL_WIDGET_TOKEN_SECRET in wp-config.php, else the setting. */
function video_call_widget_token_secret() {
	if ( defined( 'VIDEO_CALL_WIDGET_TOKEN_SECRET' ) ) {
		return (string) VIDEO_CALL_WIDGET_TOKEN_SECRET;
	}
	return (string) get_option( 'video_call_widget_token_secret', '' );
}

/** Token lifetime in seconds; must not exceed the server's TOKEN_MAX_TTL (3600 by default). */
function video_call_widget_token_ttl() {
	$ttl = (int) get_option( 'video_call_widget_token_ttl', 3600 );
	return max( 60, min( $ttl, 7 * 24 * 3600 ) );
}

/** Base64url without padding (RFC 7515). */
function video_call_widget_b64url( $data ) {
	return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' );
}

/**
 * At most $max UTF-16 code units (the server counts JavaScript string length), cut at a character boundary.
 * Works without mbstring.
 */
function video_call_widget_truncate_utf16( $text, $max ) {
	$chars = preg_split( '//u', (string) $text, -1, PREG_SPLIT_NO_EMPTY );
	if ( false === $chars ) {
		return '';
	}
	$out   = '';
	$units = 0;
	foreach ( $chars as $char ) {
		$size = strlen( $char ) === 4 ? 2 : 1;
		if ( $units + $size > $max ) {
			break;
		}
		$out   .= $char;
		$units += $size;
	}
	return $out;
}

/** Signs $claims with HS256. */
function video_call_widget_sign_jwt( array $claims, $secret ) {
	$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
	$head  = video_call_widget_b64url( json_encode( array( 'alg' => 'HS256', 'typ' => 'JWT' ), $flags ) );
	$body  = video_call_widget_b64url( json_encode( $claims, $flags ) );
	$sig   = video_call_widget_b64url( hash_hmac( 'sha256', $head . '.' . $body, $secret, true ) );
	return $head . '.' . $body . '.' . $sig;
}

/**
 * A token for the current user in $room, or '' when none can be minted (no secret, nobody logged in). The caller
 * checks that the user may enter the room (video_call_widget_may_enter). $role: 'host' or 'guest'; by default
 * `host` for users with the vcw_host_calls capability, else `guest`; `host` is never granted without it.
 * Filter `video_call_widget_token_claims` to change the claims.
 */
function video_call_widget_mint_token( $room, $role = '' ) {
	$secret = video_call_widget_token_secret();
	if ( '' === $secret || ! is_user_logged_in() || ! video_call_widget_valid_room( $room ) ) {
		return '';
	}
	$user   = wp_get_current_user();
	$now    = time();
	$host   = video_call_widget_can_host() && 'guest' !== $role;
	$claims = array(
		'room' => $room,
		'iat'  => $now,
		'exp'  => $now + video_call_widget_token_ttl(),
		'role' => $host ? 'host' : 'guest',
		'name' => video_call_widget_truncate_utf16( video_call_widget_user_name( $user ), 64 ),
		'sub'  => (string) $user->ID,
	);
	$claims = apply_filters( 'video_call_widget_token_claims', $claims, $user, $room );
	return video_call_widget_sign_jwt( $claims, $secret );
}

/** The user's display name as plain text (WordPress may store it with HTML entities, e.g. `&gt;`). */
function video_call_widget_user_name( $user ) {
	return html_entity_decode( (string) $user->display_name, ENT_QUOTES | ENT_HTML5, 'UTF-8' );
}

/** Room names the server accepts. */
function video_call_widget_valid_room( $room ) {
	return is_string( $room ) && 1 === preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $room );
}
