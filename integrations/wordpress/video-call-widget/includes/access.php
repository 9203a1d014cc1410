<?php
/**
 * Who may enter which room: the site mints a token only for a room used by a [video_call] shortcode or a Video
 * call block in a published (or private) post the user can read, or for a room listed in the settings.
 *
 * Rooms are found through an index kept in protected post meta (`_video_call_widget_room`, one row per room),
 * rebuilt from the post's content whenever it is saved; the upgrade routine builds it for older posts.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'VIDEO_CALL_WIDGET_ROOM_META', '_video_call_widget_room' );

/** The rooms listed under Settings → Video call widget → Allowed rooms. */
function video_call_widget_allowed_rooms() {
	$rooms = preg_split( '/[\s,]+/', (string) get_option( 'video_call_widget_allowed_rooms', '' ), -1, PREG_SPLIT_NO_EMPTY );
	return array_values( array_filter( $rooms, 'video_call_widget_valid_room' ) );
}

/** The valid room names used by [video_call] shortcodes and Video call blocks in $content (no duplicates). */
function video_call_widget_rooms_in_content( $content ) {
	$content = (string) $content;
	$rooms   = array();
	if ( false !== strpos( $content, '[video_call' ) && preg_match_all( '/' . get_shortcode_regex( array( 'video_call' ) ) . '/', $content, $matches, PREG_SET_ORDER ) ) {
		foreach ( $matches as $match ) {
			if ( '[' === $match[1] && ']' === $match[6] ) {
				continue; // [[video_call …]] is printed, not rendered.
			}
			$atts = shortcode_parse_atts( $match[3] );
			if ( is_array( $atts ) && isset( $atts['room'] ) ) {
				$rooms[] = trim( (string) $atts['room'] );
			}
		}
	}
	if ( false !== strpos( $content, '<!-- wp:video-call-widget/call' ) ) {
		$rooms = array_merge( $rooms, video_call_widget_rooms_in_blocks( parse_blocks( $content ) ) );
	}
	return array_values( array_unique( array_filter( $rooms, 'video_call_widget_valid_room' ) ) );
}

/** Rooms of Video call blocks among $blocks and their inner blocks. */
function video_call_widget_rooms_in_blocks( array $blocks ) {
	$rooms = array();
	foreach ( $blocks as $block ) {
		if ( 'video-call-widget/call' === ( $block['blockName'] ?? '' ) && isset( $block['attrs']['room'] ) ) {
			$rooms[] = trim( (string) $block['attrs']['room'] );
		}
		if ( ! empty( $block['innerBlocks'] ) ) {
			$rooms = array_merge( $rooms, video_call_widget_rooms_in_blocks( $block['innerBlocks'] ) );
		}
	}
	return $rooms;
}

/** save_post: records the post's rooms (revisions and autosaves are skipped; their parent is indexed). */
function video_call_widget_index_post( $post_id ) {
	$post = get_post( $post_id );
	if ( ! $post || wp_is_post_revision( $post ) ) {
		return;
	}
	$rooms  = video_call_widget_rooms_in_content( $post->post_content );
	$stored = get_post_meta( $post->ID, VIDEO_CALL_WIDGET_ROOM_META, false );
	sort( $rooms );
	sort( $stored );
	if ( $rooms === $stored ) {
		return;
	}
	delete_post_meta( $post->ID, VIDEO_CALL_WIDGET_ROOM_META );
	foreach ( $rooms as $room ) {
		add_post_meta( $post->ID, VIDEO_CALL_WIDGET_ROOM_META, $room );
	}
}

/** Indexes every post whose content mentions the shortcode or the block (upgrades from versions without the index). */
function video_call_widget_index_all_posts() {
	global $wpdb;
	$ids = $wpdb->get_col(
		$wpdb->prepare(
			"SELECT ID FROM {$wpdb->posts} WHERE post_type <> 'revision' AND (post_content LIKE %s OR post_content LIKE %s)",
			'%' . $wpdb->esc_like( '[video_call' ) . '%',
			'%' . $wpdb->esc_like( '<!-- wp:video-call-widget/call' ) . '%'
		)
	);
	foreach ( (array) $ids as $id ) {
		video_call_widget_index_post( (int) $id );
	}
}

/**
 * The id of a published or private post using $room that the current user can read (and whose password, if it
 * has one, they entered), or 0. Drafts and pending posts do not count: a contributor cannot open a room by
 * writing it into a draft.
 */
function video_call_widget_readable_post_with_room( $room ) {
	$ids = get_posts(
		array(
			'post_type'        => array_values( array_diff( get_post_types(), array( 'revision' ) ) ),
			'post_status'      => array_merge( get_post_stati( array( 'public' => true ) ), get_post_stati( array( 'private' => true ) ) ),
			'meta_key'         => VIDEO_CALL_WIDGET_ROOM_META, // phpcs:ignore WordPress.DB.SlowDBQuery
			'meta_value'       => $room, // phpcs:ignore WordPress.DB.SlowDBQuery
			'fields'           => 'ids',
			'posts_per_page'   => 50,
			'orderby'          => 'ID',
			'order'            => 'ASC',
			'no_found_rows'    => true,
			'suppress_filters' => true,
		)
	);
	foreach ( $ids as $id ) {
		// The database may compare case-insensitively; room names are case-sensitive.
		if ( in_array( $room, get_post_meta( $id, VIDEO_CALL_WIDGET_ROOM_META, false ), true )
			&& current_user_can( 'read_post', $id ) && ! post_password_required( $id ) ) {
			return (int) $id;
		}
	}
	return 0;
}

/**
 * Whether the current user may enter $room: it is listed in the settings, or used on a post they can read.
 * Filter `video_call_widget_may_enter` ( $allowed, $room, $user ) for rooms of your own.
 */
function video_call_widget_may_enter( $room ) {
	if ( ! video_call_widget_valid_room( $room ) || ! is_user_logged_in() ) {
		return false;
	}
	$allowed = in_array( $room, video_call_widget_allowed_rooms(), true ) || video_call_widget_readable_post_with_room( $room ) > 0;
	return (bool) apply_filters( 'video_call_widget_may_enter', $allowed, $room, wp_get_current_user() );
}

/**
 * The `server` a shortcode asks for, when it may be used: only when the post's author may publish unfiltered
 * HTML (otherwise a contributor could send viewers' tokens to a host of their choosing). '' means the setting.
 */
function video_call_widget_shortcode_server( $server ) {
	$server = video_call_widget_clean_url( $server );
	if ( '' === $server || video_call_widget_server_url() === $server ) {
		return $server;
	}
	$post = get_post();
	return $post && user_can( (int) $post->post_author, 'unfiltered_html' ) ? $server : '';
}
