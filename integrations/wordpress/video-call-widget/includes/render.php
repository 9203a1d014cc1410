<?php
/**
 * Markup: the [video_call] shortcode and the block render the same <video-call-widget> tag, with every value
 * escaped, the module script enqueued once, and (when the site mints tokens) a token for the current user.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** An http(s) URL without a trailing slash, or '' for anything else. */
function video_call_widget_clean_url( $url ) {
	$url = trim( (string) $url );
	if ( ! preg_match( '#^https?://[^\s/?\#"\'<>]+(/[^\s"\'<>]*)?$#i', $url ) ) {
		return '';
	}
	return rtrim( esc_url_raw( $url, array( 'http', 'https' ) ), '/' );
}

/** The signaling server's base URL from the settings ('' until configured). */
function video_call_widget_server_url() {
	return video_call_widget_clean_url( get_option( 'video_call_widget_server_url', '' ) );
}

/** The widget's module script: the setting, else `<server>/video-call-widget.js`. */
function video_call_widget_script_url() {
	$script = video_call_widget_clean_url( get_option( 'video_call_widget_script_url', '' ) );
	if ( '' !== $script ) {
		return $script;
	}
	$server = video_call_widget_server_url();
	return '' === $server ? '' : $server . '/video-call-widget.js';
}

/**
 * Enqueues the widget's ES module: a script module on WordPress 6.5+, else a footer script printed with
 * type="module" (see video_call_widget_module_tag). No version query: the server keeps the file fresh.
 */
function video_call_widget_enqueue() {
	$src = video_call_widget_script_url();
	if ( '' === $src ) {
		return false;
	}
	if ( function_exists( 'wp_enqueue_script_module' ) ) {
		wp_enqueue_script_module( 'video-call-widget', $src, array(), null );
	} else {
		wp_enqueue_script( 'video-call-widget', $src, array(), null, true );
	}
	return true;
}

/** WordPress before 6.5 prints classic scripts only: print ours as a module. */
function video_call_widget_module_tag( $tag, $handle, $src ) {
	if ( 'video-call-widget' !== $handle ) {
		return $tag;
	}
	return '<script type="module" src="' . esc_url( $src ) . '" id="video-call-widget-js"></script>' . "\n";
}

/** `on` / `off` from the usual ways of writing a switch; $default for anything else. */
function video_call_widget_switch( $value, $default ) {
	if ( is_bool( $value ) ) {
		return $value ? 'on' : 'off';
	}
	$value = strtolower( trim( (string) $value ) );
	if ( in_array( $value, array( 'on', 'yes', 'true', '1' ), true ) ) {
		return 'on';
	}
	if ( in_array( $value, array( 'off', 'no', 'false', '0' ), true ) ) {
		return 'off';
	}
	return $default;
}

/** A notice in place of the call (escaped). */
function video_call_widget_notice( $text, $link = '', $link_text = '' ) {
	$html = '<p class="video-call-widget-notice">' . esc_html( $text );
	if ( '' !== $link ) {
		$html .= ' <a href="' . esc_url( $link ) . '">' . esc_html( $link_text ) . '</a>';
	}
	return $html . '</p>';
}

/**
 * The <video-call-widget> for normalized options: room, server, display-name, audio, video, chat, auto-join,
 * lang, height. Returns a notice instead when the room is invalid or the plugin is not configured.
 */
function video_call_widget_render( array $options ) {
	$room = trim( (string) ( $options['room'] ?? '' ) );
	if ( ! video_call_widget_valid_room( $room ) ) {
		/* translators: %s: the room name given */
		return video_call_widget_notice( sprintf( __( 'Video call: "%s" is not a valid room name (letters, digits, "-" and "_", at most 64).', 'video-call-widget' ), $room ) );
	}
	$server = '' !== (string) ( $options['server'] ?? '' ) ? video_call_widget_shortcode_server( $options['server'] ) : '';
	if ( '' === $server ) {
		$server = video_call_widget_server_url();
	}
	if ( '' === $server || '' === video_call_widget_script_url() ) {
		return video_call_widget_notice( __( 'Video call: the call server is not configured (Settings → Video call widget).', 'video-call-widget' ) );
	}
	$needs_token = '' !== video_call_widget_token_secret();
	if ( $needs_token && ! is_user_logged_in() ) {
		$back = get_permalink(); // back to this post after logging in (outside the loop: the front page)
		return video_call_widget_notice( __( 'Log in to join this video call.', 'video-call-widget' ), wp_login_url( $back ? $back : home_url( '/' ) ), __( 'Log in', 'video-call-widget' ) );
	}
	if ( $needs_token && ! video_call_widget_may_enter( $room ) ) {
		/* translators: %s: the room name */
		return video_call_widget_notice( sprintf( __( 'Video call: room "%s" opens once this post is published (or when it is listed under Settings → Video call widget → Allowed rooms).', 'video-call-widget' ), $room ) );
	}
	video_call_widget_enqueue();

	$attributes = array(
		'room'   => $room,
		'server' => $server,
	);
	$name = trim( (string) ( $options['display-name'] ?? '' ) );
	if ( '' === $name && is_user_logged_in() ) {
		$name = video_call_widget_user_name( wp_get_current_user() );
	}
	if ( '' !== $name ) {
		$attributes['display-name'] = video_call_widget_truncate_utf16( $name, 64 );
	}
	$attributes['audio'] = video_call_widget_switch( $options['audio'] ?? 'on', 'on' );
	$attributes['video'] = video_call_widget_switch( $options['video'] ?? 'on', 'on' );
	$attributes['chat']  = video_call_widget_switch( $options['chat'] ?? 'on', 'on' );
	$lang                = trim( (string) ( $options['lang'] ?? '' ) );
	if ( preg_match( '/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/', $lang ) ) {
		$attributes['lang'] = $lang;
	}
	if ( $needs_token ) {
		$attributes['token'] = video_call_widget_mint_token( $room );
		// A fresh token for every (re)join, so a page left open longer than the token's lifetime still works.
		$attributes['data-vcw-token-url']   = add_query_arg( 'room', $room, rest_url( 'video-call-widget/v1/token' ) );
		$attributes['data-vcw-token-nonce'] = wp_create_nonce( 'wp_rest' );
	}
	$height = trim( (string) ( $options['height'] ?? '' ) );
	if ( ! preg_match( '/^\d{1,4}(\.\d+)?(px|vh|em|rem)$/', $height ) ) {
		$height = '480px';
	}

	$html = '<video-call-widget';
	foreach ( $attributes as $key => $value ) {
		$html .= ' ' . $key . '="' . esc_attr( $value ) . '"';
	}
	if ( 'on' === video_call_widget_switch( $options['auto-join'] ?? '', 'off' ) ) {
		$html .= ' auto-join';
	}
	$html .= ' style="display:block;height:' . esc_attr( $height ) . '"></video-call-widget>';
	$html .= '<noscript>' . esc_html__( 'This video call needs JavaScript.', 'video-call-widget' ) . '</noscript>';
	if ( $needs_token ) {
		$html .= video_call_widget_token_provider_script();
	}
	return $html;
}

/** Once per page: gives every token-using widget a `tokenProvider` that asks the site for a fresh token. */
function video_call_widget_token_provider_script() {
	static $printed = false;
	if ( $printed ) {
		return '';
	}
	$printed = true;
	return '<script type="module">'
		. 'for(const el of document.querySelectorAll("video-call-widget[data-vcw-token-url]")){'
		. 'el.tokenProvider=async()=>{'
		. 'const r=await fetch(el.dataset.vcwTokenUrl,{credentials:"same-origin",headers:{"X-WP-Nonce":el.dataset.vcwTokenNonce}});'
		. 'if(!r.ok)throw new Error("the site refused a token ("+r.status+")");'
		. 'return (await r.json()).token}}'
		. '</script>';
}

/** [video_call room="…" display-name="…" audio="on|off" video="on|off" chat="on|off" auto-join="yes" lang="…" height="480px" server="…"] */
function video_call_widget_shortcode( $atts ) {
	$atts = is_array( $atts ) ? $atts : array();
	// Underscore spellings too (display_name, auto_join).
	foreach ( $atts as $key => $value ) {
		if ( is_string( $key ) && false !== strpos( $key, '_' ) ) {
			$atts[ str_replace( '_', '-', $key ) ] = $value;
		}
	}
	$options = shortcode_atts(
		array(
			'room'         => '',
			'server'       => '',
			'display-name' => '',
			'audio'        => 'on',
			'video'        => 'on',
			'chat'         => 'on',
			'auto-join'    => '',
			'lang'         => '',
			'height'       => '480px',
		),
		$atts,
		'video_call'
	);
	return video_call_widget_render( $options );
}

/** The "Video call" block (dynamic: rendered here, like the shortcode). */
function video_call_widget_render_block( $attributes ) {
	$attributes = is_array( $attributes ) ? $attributes : array();
	$markup     = video_call_widget_render(
		array(
			'room'         => $attributes['room'] ?? '',
			'display-name' => $attributes['displayName'] ?? '',
			'audio'        => $attributes['audio'] ?? true,
			'video'        => $attributes['video'] ?? true,
			'chat'         => $attributes['chat'] ?? true,
			'auto-join'    => $attributes['autoJoin'] ?? false,
			'lang'         => $attributes['lang'] ?? '',
			'height'       => $attributes['height'] ?? '480px',
		)
	);
	return '<div ' . get_block_wrapper_attributes() . '>' . $markup . '</div>';
}

/** GET /wp-json/video-call-widget/v1/token?room=…[&role=host|guest] → { token } for the logged-in user (cookie + nonce). */
function video_call_widget_rest_routes() {
	register_rest_route(
		'video-call-widget/v1',
		'/token',
		array(
			'methods'             => 'GET',
			'permission_callback' => 'is_user_logged_in',
			'args'                => array(
				'room' => array(
					'type'              => 'string',
					'required'          => true,
					'validate_callback' => 'video_call_widget_valid_room',
				),
				'role' => array(
					'type'              => 'string',
					'required'          => false,
					'validate_callback' => 'video_call_widget_valid_role',
				),
			),
			'callback'            => 'video_call_widget_rest_token',
		)
	);
}

/** The REST route's optional `role`: host or guest. */
function video_call_widget_valid_role( $role ) {
	return in_array( $role, array( 'host', 'guest' ), true );
}

/** 404 without a secret; 403 for a room the user may not enter, or `role=host` without vcw_host_calls. */
function video_call_widget_rest_token( $request ) {
	$room = (string) $request['room'];
	$role = (string) ( $request['role'] ?? '' );
	if ( '' === video_call_widget_token_secret() ) {
		return new WP_Error( 'video_call_widget_no_token', __( 'This site does not mint call tokens.', 'video-call-widget' ), array( 'status' => 404 ) );
	}
	if ( ! video_call_widget_may_enter( $room ) ) {
		/* translators: %s: the room name */
		return new WP_Error( 'video_call_widget_room_forbidden', sprintf( __( 'You may not join room "%s": it is not on a published post you can read, nor listed in the plugin\'s allowed rooms.', 'video-call-widget' ), $room ), array( 'status' => 403 ) );
	}
	if ( 'host' === $role && ! video_call_widget_can_host() ) {
		return new WP_Error( 'video_call_widget_host_forbidden', __( 'Joining as host needs the vcw_host_calls capability (administrators have it).', 'video-call-widget' ), array( 'status' => 403 ) );
	}
	$response = rest_ensure_response( array( 'token' => video_call_widget_mint_token( $room, $role ) ) );
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}
